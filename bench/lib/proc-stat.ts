// CPU time of a process from /proc/<pid>/stat (utime + stime), for benchmarks that measure
// what a process spent, not how long the wall clock ran. Linux only; clock ticks of 10 ms.
import fs from 'node:fs';

const TICK_MS = 10;

/** ms of cpu the process has used so far (user + system). */
export function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: state is field 3, utime 14 and stime 15 (1-based): indexes 11 and 12 here.
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** The live children of `pid` (from each task's children file; Linux 3.5+). */
export function childPids(pid: number): number[] {
  const pids: number[] = [];
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      pids.push(...fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {
      // The thread ended between the listing and the read: it has no children to give.
    }
  }
  return pids;
}
