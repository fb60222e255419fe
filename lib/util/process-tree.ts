// A process's descendants, found by walking the process table (/proc on Linux, `ps` elsewhere)
// from parent to children, and killed as one tree. node:cluster cannot put a child in a process
// group of its own, so the tree is the only handle on what a child's user code spawned. Used by
// the primary (a kill at the grace, the watchdog, a second SIGTERM), by a child on its way out
// (what its component left running), and by a child's orphan guard when the primary is gone.
//
// Limits: a process that made itself a daemon (double fork, reparented to init) has left the
// tree and is out of reach; a pid reused within the moment of a walk could be hit.
//
// The three functions are self-contained on purpose — no imports, no names from outside but
// each other's — because the orphan guard's thread runs their source text (see
// lib/child/orphan-guard.ts). They take `load` (a CommonJS require) for node:fs and
// node:child_process. How long a walk takes: docs/benchmarks.md, "Shutdown".

type Load = (id: string) => unknown;

/**
 * Every live descendant of `root` (children first, then theirs), zombies excluded. On Linux it
 * reads each process's own list of children (/proc/<pid>/task/<tid>/children: a few small
 * files, about a millisecond when there is nothing to find); without those files, the whole
 * process table (/proc/<pid>/stat of every process, or `ps` without /proc).
 */
export function descendantsOf(root: number, load: Load): number[] {
  const fs = load('node:fs') as typeof import('node:fs');
  const read = (file: string): string | undefined => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      // Exited since we looked: not there any more.
      return undefined;
    }
  };
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
  const statOf = (text: string) => text.slice(text.lastIndexOf(')') + 2).split(' ');
  const found: number[] = [];
  const queue = [root];
  const hasChildFiles = fs.existsSync(`/proc/${process.pid}/task/${process.pid}/children`);

  let childrenOf: (pid: number) => number[];
  if (hasChildFiles) {
    childrenOf = (pid) => {
      let tasks: string[];
      try {
        tasks = fs.readdirSync(`/proc/${pid}/task`);
      } catch {
        // Gone: no children to find.
        return [];
      }
      const children: number[] = [];
      for (const tid of tasks) {
        for (const word of (read(`/proc/${pid}/task/${tid}/children`) ?? '').split(' ')) {
          if (word === '') continue;
          const stat = read(`/proc/${word}/stat`);
          if (stat !== undefined && statOf(stat)[0] !== 'Z') children.push(Number(word));
        }
      }
      return children;
    };
  } else {
    const table = new Map<number, number[]>();
    const note = (pid: number, ppid: number) => {
      const list = table.get(ppid);
      if (list) list.push(pid);
      else table.set(ppid, [pid]);
    };
    let names: string[] | undefined;
    try {
      names = fs.readdirSync('/proc');
    } catch {
      // No /proc (macOS, a BSD): ask ps below.
      names = undefined;
    }
    if (names !== undefined) {
      for (const name of names) {
        const code = name.charCodeAt(0);
        if (code < 48 || code > 57) continue;
        const stat = read(`/proc/${name}/stat`);
        if (stat === undefined) continue;
        const fields = statOf(stat);
        if (fields[0] !== 'Z') note(Number(name), Number(fields[1]));
      }
    } else {
      const cp = load('node:child_process') as typeof import('node:child_process');
      const listing = cp.execFileSync('ps', ['-A', '-o', 'pid=', '-o', 'ppid=', '-o', 'stat='], { encoding: 'utf8' });
      for (const line of listing.split('\n')) {
        const [pid, ppid, state] = line.trim().split(/\s+/);
        if (pid && ppid && !state?.startsWith('Z')) note(Number(pid), Number(ppid));
      }
    }
    childrenOf = (pid) => table.get(pid) ?? [];
  }

  for (let i = 0; i < queue.length; i += 1) {
    for (const child of childrenOf(queue[i]!)) {
      if (found.includes(child) || child === root) continue;
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/**
 * Sends `signal` to every descendant of `root` (not to root); returns how many it reached.
 * For a polite SIGTERM before a kill.
 */
export function signalDescendants(root: number, signal: NodeJS.Signals, load: Load): number {
  let reached = 0;
  for (const pid of descendantsOf(root, load)) {
    try {
      process.kill(pid, signal);
      reached += 1;
    } catch {
      // Gone since the walk: nothing to signal.
    }
  }
  return reached;
}

/**
 * SIGKILLs every descendant of `root`, and root itself when `includeRoot`. The tree is frozen
 * first (SIGSTOP, walked again until no new process shows up): killing a parent before its
 * children would hand them to init, out of reach, and a process still running could fork
 * between the walk and the kill. Root may be this process (the orphan guard): it is then killed
 * last, unfrozen. Returns the descendants it killed.
 */
export function killTree(root: number, includeRoot: boolean, load: Load): number[] {
  const frozen: number[] = [];
  const stop = (pid: number) => {
    try {
      process.kill(pid, 'SIGSTOP');
      return true;
    } catch {
      // Already gone.
      return false;
    }
  };
  // Never this process itself: a stopped process could not go on to kill.
  if (includeRoot && root !== process.pid) stop(root);
  for (let round = 0; round < 20; round += 1) {
    const fresh = descendantsOf(root, load).filter((pid) => !frozen.includes(pid));
    if (fresh.length === 0) break;
    for (const pid of fresh) if (stop(pid)) frozen.push(pid);
  }
  for (const pid of includeRoot ? [...frozen, root] : frozen) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  return frozen;
}
