// Resolves and checks every schedule, the app's and config's merged (see ./merge.ts), before
// anything is forked: the primary calls it so a mistake is one message and exit 2, and the
// scheduler and the `crew scheduler` commands call it to get the same schedules.
//
// A schedule is refused for a cron expression cron cannot read, one that never fires (February
// 31st), an unknown timezone, no action or more than one, a job the app does not define, a key
// of the wrong type, or a key crew does not know (a `timeZone:` typo would otherwise be ignored). Every problem is reported at once, each naming the schedule's key and
// who declared it: a config file (ConfigError, as config's own checks do) or the app module
// (AppError).
import type { AppDefinition } from '../app/types.js';
import { AppError } from '../app/load-app.js';
import { ConfigError, formatIssue, type ConfigIssue } from '../config/config-error.js';
import { describeValue } from '../config/describe-value.js';
import { didYouMean } from '../config/did-you-mean.js';
import { parseDuration } from '../config/duration.js';
import { formatPath } from '../config/tree.js';
import type { CrewConfig } from '../config/types.js';
import { cronClock, type CronClock } from './fire-times.js';
import { mergeSchedules, SCHEDULE_KEYS, type MergedSchedule, type ScheduleKey } from './merge.js';
import type { ResolvedSchedule, ScheduleAction } from './types.js';

export interface Blame {
  /** The app module as messages show it, e.g. `dist/app.js`. */
  appShown?: string;
  /** The layer a config key came from (`config/default.yaml`); see LoadedConfig.originOf. */
  configOrigin?: (path: readonly string[]) => { source: string; file?: string } | undefined;
}

export const CRON_EXPECTED = 'a cron expression (5 fields, or 6 with seconds)';
const TIMEZONE_EXPECTED = 'an IANA timezone such as "Europe/Paris" or "UTC"';
const ACTION_EXPECTED = 'one action: run (a function), job (a job to enqueue) or command (a shell command)';

interface Problem {
  from: 'app' | 'config';
  path: string[];
  expected?: string;
  found?: string;
  detail?: string;
}

export function resolveSchedules(app: AppDefinition, config: CrewConfig, blame: Blame = {}, now: number = Date.now()): ResolvedSchedule[] {
  const problems: Problem[] = [];
  const resolved: ResolvedSchedule[] = [];
  const jobs = Object.keys(app.jobs ?? {});
  for (const merged of mergeSchedules(app.schedules, config.schedules)) {
    const found = checkSchedule(merged, jobs, now, problems);
    if (found) resolved.push(found);
  }
  if (problems.length > 0) throw toError(problems, blame);
  return resolved;
}

function checkSchedule(merged: MergedSchedule, jobs: readonly string[], now: number, problems: Problem[]): ResolvedSchedule | undefined {
  const { name, keys } = merged;
  const before = problems.length;
  const problem = (key: ScheduleKey | undefined, fields: Omit<Problem, 'from' | 'path'>, from: 'app' | 'config' = (key && keys[key]?.from) || originOfSchedule(merged)): void => {
    problems.push({ from, path: key ? ['schedules', name, key] : ['schedules', name], ...fields });
  };
  if (merged.malformed) {
    problem(undefined, { expected: `a mapping { cron, ${ACTION_EXPECTED.replace('one action: ', '')} }`, found: `a ${merged.malformed}` }, 'app');
    return undefined;
  }

  for (const key of merged.unknown) {
    const suggestion = didYouMean(key, SCHEDULE_KEYS);
    problems.push({ from: 'app', path: ['schedules', name, key], detail: suggestion ? `unknown key (did you mean "${suggestion}"?)` : `unknown key (known keys here: ${SCHEDULE_KEYS.join(', ')})` });
  }
  const clock = checkCron(merged, problem);

  const present = (['run', 'job', 'command'] as const).filter((key) => keys[key] !== undefined);
  let action: ScheduleAction | undefined;
  if (present.length === 0) problem(undefined, { expected: ACTION_EXPECTED, found: 'none' });
  else if (present.length > 1) problem(undefined, { expected: ACTION_EXPECTED, found: present.join(' and ') }, keys[present[0]!]!.from);
  else action = checkAction(present[0]!, merged, jobs, problem);
  if (keys.data !== undefined && keys.job === undefined && present.length <= 1) {
    problem('data', { detail: `only a job action takes data${present[0] ? `, and this schedule's action is ${present[0]}` : ''}; remove data or name a job` });
  }

  let timeout: number | undefined;
  if (keys.timeout !== undefined) {
    const value = keys.timeout.value;
    timeout = typeof value === 'number' || typeof value === 'string' ? parseDuration(value) : undefined;
    if (timeout === undefined || timeout <= 0) {
      problem('timeout', { expected: 'a duration greater than 0, such as 30s, 5m or a number of milliseconds', found: describeValue(value) });
    }
  }
  const overlap = keys.overlap?.value ?? 'skip';
  if (overlap !== 'skip' && overlap !== 'allow') problem('overlap', { expected: '"skip" or "allow"', found: describeValue(overlap) });

  if (clock && clock.next(now) === undefined) {
    problem('cron', { expected: `${CRON_EXPECTED} that matches some date`, found: `${describeValue(clock.cron)}, which matches no date within 8 years` });
  }
  if (problems.length > before || !clock || !action) return undefined;
  return { name, cron: clock.cron, timezone: clock.timezone, action, timeout, overlap: overlap as 'skip' | 'allow', source: merged.source };
}

type Report = (key: ScheduleKey | undefined, fields: Omit<Problem, 'from' | 'path'>, from?: 'app' | 'config') => void;

function checkCron(merged: MergedSchedule, problem: Report): CronClock | undefined {
  const cron = merged.keys.cron?.value;
  const timezone = merged.keys.timezone?.value;
  let expression: string | undefined;
  if (typeof cron !== 'string' || cron.trim() === '') {
    problem('cron', { expected: CRON_EXPECTED, found: describeValue(cron, merged.keys.cron !== undefined) });
  } else {
    try {
      cronClock(cron, undefined);
      expression = cron;
    } catch (error) {
      problem('cron', { expected: CRON_EXPECTED, found: `${describeValue(cron)} (${reason(error)})` });
    }
  }
  if (timezone !== undefined) {
    if (typeof timezone !== 'string' || timezone.trim() === '') {
      problem('timezone', { expected: TIMEZONE_EXPECTED, found: describeValue(timezone) });
      return undefined;
    }
    try {
      // An expression that always parses, so that only the zone is judged here.
      cronClock('* * * * *', timezone);
    } catch (error) {
      problem('timezone', { expected: TIMEZONE_EXPECTED, found: `${describeValue(timezone)} (${reason(error)})` });
      return undefined;
    }
  }
  return expression === undefined ? undefined : cronClock(expression, timezone as string | undefined);
}

function checkAction(kind: 'run' | 'job' | 'command', merged: MergedSchedule, jobs: readonly string[], problem: Report): ScheduleAction | undefined {
  const value = merged.keys[kind]!.value;
  if (kind === 'run') {
    if (typeof value === 'function') return { kind: 'function', run: value as Extract<ScheduleAction, { kind: 'function' }>['run'] };
    problem('run', { expected: 'a function (ctx) => ...', found: describeValue(value) });
    return undefined;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    problem(kind, { expected: kind === 'job' ? 'the name of a job the app defines' : 'a shell command', found: describeValue(value) });
    return undefined;
  }
  if (kind === 'command') return { kind: 'command', command: value };
  if (!jobs.includes(value)) {
    const suggestion = didYouMean(value, jobs);
    const known = jobs.length === 0 ? 'the app defines no jobs' : suggestion ? `did you mean "${suggestion}"?` : `it defines ${jobs.join(', ')}`;
    problem('job', { expected: 'the name of a job the app defines', found: `${describeValue(value)} (${known})` });
    return undefined;
  }
  return { kind: 'job', job: value, data: merged.keys.data?.value };
}

/** A problem with the schedule as a whole is blamed on whoever declared it last. */
function originOfSchedule(merged: MergedSchedule): 'app' | 'config' {
  return merged.source === 'app' ? 'app' : 'config';
}

function toError(problems: readonly Problem[], blame: Blame): ConfigError | AppError {
  const appSource = blame.appShown ?? 'the app';
  const issues = problems.map((p): ConfigIssue => {
    const where = p.from === 'app' ? { source: appSource } : (blame.configOrigin?.(p.path) ?? { source: 'config' });
    const issue: ConfigIssue = { ...where, path: formatPath(p.path) };
    if (p.detail !== undefined) issue.detail = p.detail;
    if (p.expected !== undefined) issue.expected = p.expected;
    if (p.found !== undefined) issue.found = p.found;
    return issue;
  });
  if (problems.some((p) => p.from === 'config')) return new ConfigError(issues);
  return new AppError(issues.map(formatIssue).join('\n'));
}

/** cron's message, as a clause: "field value (61) is out of range". */
function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.charAt(0).toLowerCase() + text.slice(1)).replace(/\.$/, '');
}
