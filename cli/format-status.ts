// `crew status` as a table a person reads: one row per child, and in ACTIVITY what it is doing
// now — requests per second for a server, jobs per second and jobs running for a worker, the
// next tick for the scheduler (from the child's heartbeats: a few seconds old at most).
import type { ChildStatus, CrewStatus } from '../lib/primary/status.js';

export function formatStatus(status: CrewStatus): string {
  const header = ['CHILD', 'STATE', 'PID', 'RESTARTS', 'UPTIME', 'CPU', 'MEMORY', 'ACTIVITY', 'LAST EXIT'];
  const rows = status.children.map((c) => [
    `${c.component}.${c.instance}`,
    c.degraded ? `${c.state}, degraded` : c.state,
    c.pid === null ? '-' : String(c.pid),
    String(c.restarts),
    c.uptime === null ? '-' : duration(c.uptime),
    c.cpu === null ? '-' : `${c.cpu.toFixed(1)}%`,
    c.memory === null ? '-' : `${Math.round(c.memory / 1048576)} MB`,
    activity(c),
    c.lastExit === null ? '-' : `${c.lastExit.signal ?? `code ${c.lastExit.code}`}${c.lastExit.reason ? ` (${c.lastExit.reason})` : ''}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  const degraded = status.children.filter((c) => c.degraded).map((c) => `${c.component}.${c.instance} is degraded: ${c.degraded}\n`);
  return `crew pid ${status.pid}, env ${status.env}, up ${duration(status.uptime)}\n${[header, ...rows].map(line).join('\n')}\n${degraded.join('')}`;
}

/** What applies to the child: a server's requests, a worker's jobs, a scheduler's next tick; any component that did some of these shows it too. */
function activity(c: ChildStatus): string {
  const a = c.activity;
  // Older crews (or a child before its first heartbeat) say nothing of it.
  if (!a) return '-';
  const parts: string[] = [];
  if (c.component === 'server' || a.requests > 0) parts.push(`${rate(a.requestsPerSecond)} req/s`);
  if (c.component === 'worker' || a.jobs > 0 || a.activeJobs > 0) parts.push(`${rate(a.jobsPerSecond)} jobs/s, ${a.activeJobs} active`);
  if (a.nextTick) parts.push(`next ${a.nextTick.schedule} in ${duration(a.nextTick.inMs)}`);
  else if (c.component === 'scheduler') parts.push('no tick ahead');
  return parts.length > 0 ? parts.join('; ') : '-';
}

function rate(value: number | null): string {
  if (value === null) return '-';
  return value < 10 ? value.toFixed(1) : String(Math.round(value));
}

function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d${String(Math.floor((s % 86400) / 3600)).padStart(2, '0')}h`;
}
