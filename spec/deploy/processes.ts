// What /proc says about processes, for the deployment specs: a process's parent, state and
// name, the processes of one PID namespace (a container's), and a process's whole tree (a host
// to SIGKILL at once).
import fs from 'node:fs';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** R, S, D, Z (zombie: exited, not yet reaped by its parent), ... */
  state: string;
  comm: string;
}

export function processInfo(pid: number): ProcessInfo | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone (and reaped)
  }
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so cut at the last ")".
  const close = stat.lastIndexOf(')');
  const [state, ppid] = stat.slice(close + 2).split(' ');
  return { pid, ppid: Number(ppid), state: state!, comm: stat.slice(stat.indexOf('(') + 1, close) };
}

export function allPids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** The PID namespace a process is in, as the kernel names it ("pid:[4026532]"). */
export function pidNamespace(pid: number): string | undefined {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

/** Every process (host pids) in the PID namespace `namespace`. */
export function processesIn(namespace: string): ProcessInfo[] {
  return allPids()
    .filter((pid) => pidNamespace(pid) === namespace)
    .map(processInfo)
    .filter((info): info is ProcessInfo => info !== undefined);
}

export function childrenOf(pid: number): number[] {
  const found: number[] = [];
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return found;
  }
  for (const task of tasks) {
    try {
      const text = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      if (text) found.push(...text.split(' ').map(Number));
    } catch {
      // The task ended between the two reads: it has no children to list.
    }
  }
  return found;
}

/** `pid` and every descendant of it, parents first. */
export function processTree(pid: number): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...childrenOf(tree[i]!));
  return tree;
}

/** SIGKILLs a process and every descendant at once: a host that dies. Returns the pids. */
export function killTree(pid: number): number[] {
  const tree = processTree(pid);
  for (const member of tree) {
    try {
      process.kill(member, 'SIGKILL');
    } catch (error) {
      // ESRCH: it exited between the listing and the kill.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
  return tree;
}

/** Resolves once `check` holds, looking again every `everyMs`; rejects with `what` after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs: number, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
