// What the kernel says about processes, for specs that must see the truth rather than what crew
// reports: the live children of a pid (from /proc), and waiting until a set of pids is gone.
import fs from 'node:fs';
import { alive } from './crew-process.js';

/** The live (not zombie) children of `pid`, read from /proc. */
export function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      // Exited between the listing and the read.
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] !== 'Z' && Number(fields[1]) === pid) found.push(Number(name));
  }
  return found.sort((a, b) => a - b);
}

/**
 * Resolves with the pids still alive after `ms` (an empty list as soon as all are gone).
 * Polling is the only way to watch processes that are not our children.
 */
export async function stillAliveAfter(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return pids.filter(alive);
}
