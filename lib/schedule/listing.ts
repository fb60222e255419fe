// What `crew scheduler list` shows: each schedule with its expression, timezone, action, next
// fire times, and — where a running crew or Redis can tell — whether it is paused and how it
// last ran; as JSON for machines or as a table for people. The table is made from the JSON
// alone, so it reads the same whether the listing came from the running crew or was made here.
import { actionFields } from './describe.js';
import { cronClock, machineTimezone, nextFireTimes } from './fire-times.js';
import { formatInZone } from './format-time.js';
import type { LastRun, ScheduleState } from './state.js';
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
  /** `unknown` when neither a running crew nor Redis could be asked. */
  state: 'active' | 'paused' | 'unknown';
  pausedSince: string | null;
  lastRun: LastRun | null;
}

export function listSchedules(schedules: readonly ResolvedSchedule[], now: number, count = 3, states?: Readonly<Record<string, ScheduleState>>): ListedSchedule[] {
  return schedules.map((schedule) => {
    const state = states?.[schedule.name];
    return {
      name: schedule.name,
      cron: schedule.cron,
      timezone: schedule.timezone ?? machineTimezone(),
      machineTimezone: schedule.timezone === undefined,
      action: actionFields(schedule.action),
      overlap: schedule.overlap,
      timeout: schedule.timeout ?? null,
      source: schedule.source,
      next: nextFireTimes(cronClock(schedule.cron, schedule.timezone), now, count).map((ms) => new Date(ms).toISOString()),
      state: state ? (state.pausedSince === null ? 'active' : 'paused') : 'unknown',
      pausedSince: state?.pausedSince ?? null,
      lastRun: state?.lastRun ?? null,
    };
  });
}

export function formatListing(listed: readonly ListedSchedule[]): string {
  if (listed.length === 0) return 'No schedules: neither the app nor the config defines any.\n';
  const header = ['NAME', 'CRON', 'TIMEZONE', 'ACTION', 'STATE', 'LAST RUN', 'NEXT FIRE TIMES'];
  const rows = listed.map((schedule) => {
    const zone = schedule.machineTimezone ? undefined : schedule.timezone;
    const times = schedule.next.map((iso) => formatInZone(Date.parse(iso), zone));
    return {
      cells: [schedule.name, schedule.cron, schedule.machineTimezone ? `${schedule.timezone} (machine)` : schedule.timezone, shorten(describeListed(schedule.action)), schedule.state === 'unknown' ? '-' : schedule.state],
      last: lastRunLines(schedule.lastRun, zone, schedule.state === 'unknown'),
      times: times.length > 0 ? times : ['none within 8 years'],
    };
  });
  const widths = header.slice(0, 6).map((title, i) => Math.max(title.length, ...rows.flatMap((row) => (i < 5 ? [row.cells[i]!.length] : row.last.map((l) => l.length)))));
  const line = (cells: readonly string[], last: string) => `${cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}  ${last}`.trimEnd();
  const out = [line(header.slice(0, 6), header[6]!)];
  for (const row of rows) {
    const height = Math.max(row.times.length, row.last.length);
    for (let i = 0; i < height; i++) {
      const cells = i === 0 ? row.cells : row.cells.map(() => '');
      out.push(line([...cells, row.last[i] ?? ''], row.times[i] ?? ''));
    }
  }
  return `${out.join('\n')}\n`;
}

/** The last run in two short lines: when, then how it went. */
function lastRunLines(run: LastRun | null, zone: string | undefined, unknown: boolean): string[] {
  if (!run) return [unknown ? '-' : 'never'];
  const when = formatInZone(Date.parse(run.started), zone).replace(/ [+-]\d\d:\d\d$/, '');
  const how = run.outcome === 'running' ? 'running' : `${run.outcome}${run.duration === null ? '' : ` in ${run.duration} ms`}`;
  return [when, how];
}

/** An action as the JSON listing gives it, in the words of records (lib/schedule/describe.ts). */
function describeListed(action: Record<string, unknown>): string {
  if (action.kind === 'job') return `job ${String(action.job)}`;
  if (action.kind === 'command') return `command ${JSON.stringify(action.command)}`;
  return String(action.kind);
}

/** A long command would push the fire times off the screen; `--json` has it whole. */
function shorten(text: string, longest = 48): string {
  return text.length > longest ? `${text.slice(0, longest - 1)}…` : text;
}
