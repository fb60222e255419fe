// `crew status` as a table a person reads.
import type { CrewStatus } from '../lib/primary/status.js';

export function formatStatus(status: CrewStatus): string {
  const header = ['CHILD', 'STATE', 'PID', 'RESTARTS', 'UPTIME', 'CPU', 'MEMORY', 'LAST EXIT'];
  const rows = status.children.map((c) => [
    `${c.component}.${c.instance}`,
    c.degraded ? `${c.state}, degraded` : c.state,
    c.pid === null ? '-' : String(c.pid),
    String(c.restarts),
    c.uptime === null ? '-' : duration(c.uptime),
    c.cpu === null ? '-' : `${c.cpu.toFixed(1)}%`,
    c.memory === null ? '-' : `${Math.round(c.memory / 1048576)} MB`,
    c.lastExit === null ? '-' : `${c.lastExit.signal ?? `code ${c.lastExit.code}`}${c.lastExit.reason ? ` (${c.lastExit.reason})` : ''}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  const degraded = status.children.filter((c) => c.degraded).map((c) => `${c.component}.${c.instance} is degraded: ${c.degraded}\n`);
  return `crew pid ${status.pid}, env ${status.env}, up ${duration(status.uptime)}\n${[header, ...rows].map(line).join('\n')}\n${degraded.join('')}`;
}

function duration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
