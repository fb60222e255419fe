// What `crew scheduler list` shows: each schedule with its expression, timezone, action and
// next fire times, as JSON for machines or as a table for people.
import { actionFields, describeAction } from './describe.js';
import { cronClock, machineTimezone, nextFireTimes } from './fire-times.js';
import { formatInZone } from './format-time.js';
import type { ResolvedSchedule } from './types.js';

export interface ListedSchedule {
  name: string;
  cron: string;
  /** The zone it fires in: its own, or the machine's when it names none. */
  timezone: string;
  machineTimezone: boolean;
  action: Record<string, unknown>;
  overlap: 'skip' | 'allow';
  /** ms, or null for no limit. */
  timeout: number | null;
  source: ResolvedSchedule['source'];
  /** ISO 8601 (UTC); fewer than asked when cron finds no more within 8 years. */
  next: string[];
}

export function listSchedules(schedules: readonly ResolvedSchedule[], now: number, count = 3): ListedSchedule[] {
  return schedules.map((schedule) => ({
    name: schedule.name,
    cron: schedule.cron,
    timezone: schedule.timezone ?? machineTimezone(),
    machineTimezone: schedule.timezone === undefined,
    action: actionFields(schedule.action),
    overlap: schedule.overlap,
    timeout: schedule.timeout ?? null,
    source: schedule.source,
    next: nextFireTimes(cronClock(schedule.cron, schedule.timezone), now, count).map((ms) => new Date(ms).toISOString()),
  }));
}

export function formatListing(schedules: readonly ResolvedSchedule[], now: number, count = 3): string {
  if (schedules.length === 0) return 'No schedules: neither the app nor the config defines any.\n';
  const header = ['NAME', 'CRON', 'TIMEZONE', 'ACTION', 'NEXT FIRE TIMES'];
  const rows = schedules.map((schedule) => {
    const times = nextFireTimes(cronClock(schedule.cron, schedule.timezone), now, count).map((ms) => formatInZone(ms, schedule.timezone));
    return {
      cells: [schedule.name, schedule.cron, schedule.timezone ?? `${machineTimezone()} (machine)`, shorten(describeAction(schedule.action))],
      times: times.length > 0 ? times : ['none within 8 years'],
    };
  });
  const widths = header.slice(0, 4).map((title, i) => Math.max(title.length, ...rows.map((row) => row.cells[i]!.length)));
  const line = (cells: readonly string[], last: string) => `${cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}  ${last}`.trimEnd();
  const blank = widths.map(() => '');
  const out = [line(header.slice(0, 4), header[4]!)];
  for (const row of rows) {
    out.push(line(row.cells, row.times[0]!));
    for (const time of row.times.slice(1)) out.push(line(blank, time));
  }
  return `${out.join('\n')}\n`;
}

/** A long command would push the fire times off the screen; `--json` has it whole. */
function shorten(text: string, longest = 48): string {
  return text.length > longest ? `${text.slice(0, longest - 1)}…` : text;
}
