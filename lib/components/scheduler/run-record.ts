// The records the scheduler writes about its schedules, in one place so they stay alike: one
// per run (schedule, action, tick, lateness, duration, outcome), one per skipped tick (why;
// a tick skipped because an operator paused the schedule has the outcome `paused`),
// and one per schedule armed. Fields are for machines, the message is for people.
import type { ResolvedSchedule } from '../../schedule/types.js';
import { describeAction } from '../../schedule/describe.js';
import { formatInZone } from '../../schedule/format-time.js';
import type { RunResult } from './run-action.js';

export interface LogRecord {
  level: 'error' | 'warn' | 'info' | 'debug';
  message: string;
  fields: Record<string, unknown>;
}

export type SkipReason = 'taken' | 'overlap' | 'lock-unavailable' | 'stopping' | 'paused';

/** `tick` is the fire time the run was for; undefined for a run asked for by hand. */
export function runRecord(schedule: ResolvedSchedule, result: RunResult, startedAt: number, tick: number | undefined): LogRecord {
  const action = schedule.action;
  const fields: Record<string, unknown> = { schedule: schedule.name, action: action.kind };
  if (tick !== undefined) Object.assign(fields, { tick: new Date(tick).toISOString(), late: startedAt - tick });
  Object.assign(fields, { duration: result.duration, outcome: result.outcome });
  if (action.kind === 'job') fields.job = action.job;
  if (result.jobId !== undefined) fields.jobId = result.jobId;
  if (result.exitCode !== undefined) fields.exitCode = result.exitCode;
  if (result.signal) fields.signal = result.signal;
  if (result.error) Object.assign(fields, { error: result.error.message, stack: result.error.stack });

  // The command itself is in the armed record; repeating it on every run only adds noise.
  const what = action.kind === 'command' ? 'command' : describeAction(action);
  const ms = `${result.duration} ms`;
  const ended = result.signal ? `was killed by ${result.signal}` : result.exitCode === null || result.exitCode === undefined ? 'ended' : `exited ${result.exitCode}`;
  let message: string;
  switch (result.outcome) {
    case 'ok':
      message = action.kind === 'job' ? `enqueued ${what} as ${result.jobId} (${ms})` : action.kind === 'command' ? `command exited 0 (${ms})` : `${what} done (${ms})`;
      break;
    case 'failed':
      message = action.kind === 'command' ? `${what} ${ended} after ${ms}` : `${what} failed after ${ms}: ${result.error?.message ?? 'no reason given'}`;
      break;
    case 'timeout':
      message =
        action.kind === 'command'
          ? `${what} timed out after ${ms} and ${ended}`
          : `${what} timed out after ${ms}; its signal was aborted, and it counts as running until it returns`;
      break;
    case 'stopped':
      message = action.kind === 'command' ? `${what} was stopped at shutdown and ${ended}` : `${what} was still running at shutdown (${ms})`;
      break;
  }
  return { level: result.outcome === 'ok' ? 'info' : 'error', message: `${schedule.name}: ${message}`, fields };
}

export function skipRecord(schedule: ResolvedSchedule, tick: number, reason: SkipReason, detail?: string): LogRecord {
  const at = formatInZone(tick, schedule.timezone);
  const why: Record<SkipReason, string> = {
    taken: `another crew fired it${detail ? ` (${detail})` : ''}`,
    overlap: `the previous run is still going${detail ? ` (on ${detail})` : ''}`,
    'lock-unavailable': `the tick lock cannot be taken: ${detail ?? 'no reason given'}`,
    stopping: 'crew is stopping',
    paused: `the schedule is paused (\`crew scheduler resume ${schedule.name}\` fires it again)`,
  };
  // A pause is an operator's decision, not a mishap: its own outcome, for whoever counts them.
  const fields: Record<string, unknown> = { schedule: schedule.name, action: schedule.action.kind, tick: new Date(tick).toISOString(), outcome: reason === 'paused' ? 'paused' : 'skipped', reason };
  if (detail !== undefined && reason !== 'lock-unavailable') fields.by = detail;
  return { level: reason === 'lock-unavailable' ? 'warn' : 'info', message: `${schedule.name}: tick ${at} skipped: ${why[reason]}`, fields };
}

export function missedRecord(schedule: ResolvedSchedule, missed: number, first: number, firing: number): LogRecord {
  return {
    level: 'warn',
    message: `${schedule.name}: missed ${missed} tick${missed === 1 ? '' : 's'} since ${formatInZone(first, schedule.timezone)} (the scheduler was blocked or the clock jumped); firing the latest, ${formatInZone(firing, schedule.timezone)}`,
    fields: { schedule: schedule.name, outcome: 'missed', missed, from: new Date(first).toISOString(), tick: new Date(firing).toISOString() },
  };
}

export function armedRecord(schedule: ResolvedSchedule, next: number | undefined, scope: string): LogRecord {
  const zone = schedule.timezone ? ` (${schedule.timezone})` : '';
  const when = next === undefined ? 'no further fire time' : `next ${formatInZone(next, schedule.timezone)}`;
  return {
    level: next === undefined ? 'warn' : 'info',
    message: `${schedule.name} armed: "${schedule.cron}"${zone}, ${describeAction(schedule.action)}, ${when}`,
    // The message already names the cron, the zone and the action; the fields add what it does not.
    fields: {
      schedule: schedule.name,
      overlap: schedule.overlap,
      lock: scope,
      next: next === undefined ? null : new Date(next).toISOString(),
    },
  };
}
