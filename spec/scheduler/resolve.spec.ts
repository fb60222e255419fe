// The schedules as data: merging the app's with config's, refusing what cannot run, and the
// fire times cron computes, timezones included. Pure: no process is started.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../lib/app/load-app.js';
import type { AppDefinition } from '../../lib/app/types.js';
import { ConfigError, defaultConfig, type ScheduleConfig } from '../../lib/config/index.js';
import { cronClock, formatListing, listSchedules, nextFireTimes, resolveSchedules } from '../../lib/schedule/index.js';

const run = () => undefined;
const withSchedules = (schedules: Record<string, ScheduleConfig>) => ({ ...defaultConfig(), schedules });
const blame = { appShown: 'app.js', configOrigin: () => ({ source: 'config/default.yaml', file: 'config/default.yaml' }) };
const app: AppDefinition = { jobs: { report: run, email: run }, schedules: { nightly: { cron: '0 3 * * *', run } } };

function refusal(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  assert.fail('expected a refusal');
}

test('an app schedule and a config schedule are both armed', () => {
  const schedules = resolveSchedules(app, withSchedules({ cleanup: { cron: '*/5 * * * * *', command: 'rm -f /tmp/x' } }), blame);
  assert.deepEqual(
    schedules.map((s) => [s.name, s.action.kind, s.source, s.overlap]),
    [
      ['nightly', 'function', 'app', 'skip'],
      ['cleanup', 'command', 'config', 'skip'],
    ],
  );
});

test('config overrides an app schedule key by key, and replaces its action as a whole', () => {
  const retimed = resolveSchedules(app, withSchedules({ nightly: { cron: '0 4 * * *', timezone: 'Europe/Paris', timeout: 5000 } }), blame)[0]!;
  assert.equal(retimed.cron, '0 4 * * *');
  assert.equal(retimed.timezone, 'Europe/Paris');
  assert.equal(retimed.timeout, 5000);
  assert.equal(retimed.action.kind, 'function', 'the app\'s action stays when config names none');
  assert.equal(retimed.source, 'app+config');

  const replaced = resolveSchedules(app, withSchedules({ nightly: { cron: '0 3 * * *', job: 'report', data: { kind: 'daily' } } }), blame)[0]!;
  assert.deepEqual(replaced.action, { kind: 'job', job: 'report', data: { kind: 'daily' } });

  const jobApp: AppDefinition = { jobs: { report: run }, schedules: { weekly: { cron: '0 3 * * 1', job: 'report', data: { a: 1 } } } };
  const newData = resolveSchedules(jobApp, withSchedules({ weekly: { cron: '0 3 * * 1', data: { a: 2 } } }), blame)[0]!;
  assert.deepEqual(newData.action, { kind: 'job', job: 'report', data: { a: 2 } }, 'data alone changes the app job\'s data');
});

test('a config mistake is a ConfigError naming the file, the schedule\'s key, what was expected and found', () => {
  const cases: Array<[ScheduleConfig, string, RegExp]> = [
    [{ cron: '61 * * * *', command: 'true' }, 'schedules.bad.cron', /expected a cron expression \(5 fields, or 6 with seconds\), found "61 \* \* \* \*" \(field value \(61\) is out of range\)/],
    [{ cron: '0 0 31 2 *', command: 'true' }, 'schedules.bad.cron', /found "0 0 31 2 \*", which matches no date within 8 years/],
    [{ cron: '0 0 30 2 *', command: 'true' }, 'schedules.bad.cron', /matches no date/],
    [{ cron: '0 0 * * *', timezone: 'Mars/Olympus', command: 'true' }, 'schedules.bad.timezone', /expected an IANA timezone .*found "Mars\/Olympus"/],
    [{ cron: '0 0 * * *' }, 'schedules.bad', /expected one action: run \(a function\), job \(a job to enqueue\) or command \(a shell command\), found none/],
    [{ cron: '0 0 * * *', job: 'report', command: 'true' }, 'schedules.bad', /found job and command/],
    [{ cron: '0 0 * * *', job: 'reprot' }, 'schedules.bad.job', /found "reprot" \(did you mean "report"\?\)/],
    [{ cron: '0 0 * * *', command: 'true', data: 1 }, 'schedules.bad.data', /only a job action takes data/],
  ];
  for (const [schedule, path, message] of cases) {
    const error = refusal(() => resolveSchedules(app, withSchedules({ bad: schedule }), blame));
    assert.ok(error instanceof ConfigError, `${JSON.stringify(schedule)}: ${error}`);
    assert.equal(error.path, path);
    assert.equal(error.file, 'config/default.yaml');
    assert.match(error.message, new RegExp(`^config/default\\.yaml: ${path.replace(/\./g, '\\.')}: `));
    assert.match(error.message, message);
  }
});

test('an app mistake is an AppError naming the module and the schedule\'s key; every problem is listed', () => {
  const bad: AppDefinition = {
    jobs: { report: run },
    schedules: {
      'bad-cron': { cron: '* * *', run },
      'bad-zone': { cron: '0 3 * * *', timezone: 'Nowhere/Land', run },
      'bad-run': { cron: '0 3 * * *', run: 'not a function' as never },
      'bad-timeout': { cron: '0 3 * * *', run, timeout: 'soon' },
      'bad-overlap': { cron: '0 3 * * *', run, overlap: 'sometimes' as never },
      'bad-key': { cron: '0 3 * * *', run, timeZone: 'UTC' } as never,
      fine: { cron: '0 3 * * *', run, timeout: '30s' },
    },
  };
  const error = refusal(() => resolveSchedules(bad, defaultConfig(), blame));
  assert.ok(error instanceof AppError, String(error));
  const lines = error.message.split('\n');
  assert.deepEqual(
    lines.map((line) => line.split(': ')[1]),
    ['schedules.bad-cron.cron', 'schedules.bad-zone.timezone', 'schedules.bad-run.run', 'schedules.bad-timeout.timeout', 'schedules.bad-overlap.overlap', 'schedules.bad-key.timeZone'],
  );
  assert.match(lines[5]!, /unknown key \(did you mean "timezone"\?\)/);
  assert.ok(lines.every((line) => line.startsWith('app.js: ')), error.message);
  assert.match(lines[0]!, /found "\* \* \*" \(too few fields\)/);
});

test('seconds are an optional sixth field, first', () => {
  const clock = cronClock('*/15 * * * * *', 'UTC');
  const from = Date.UTC(2030, 0, 1, 12, 0, 7);
  assert.deepEqual(nextFireTimes(clock, from, 3).map((ms) => new Date(ms).toISOString()), ['2030-01-01T12:00:15.000Z', '2030-01-01T12:00:30.000Z', '2030-01-01T12:00:45.000Z']);
  const minutes = cronClock('30 2 * * *', 'UTC');
  assert.equal(new Date(minutes.next(from)!).toISOString(), '2030-01-02T02:30:00.000Z');
});

test('a timezone moves the fire times, daylight saving time included', () => {
  const from = Date.UTC(2030, 2, 30, 12); // 30 March 2030: Europe switches to summer time on the 31st
  const at3 = (timezone: string) => nextFireTimes(cronClock('0 3 * * *', timezone), from, 2).map((ms) => new Date(ms).toISOString());
  assert.deepEqual(at3('UTC'), ['2030-03-31T03:00:00.000Z', '2030-04-01T03:00:00.000Z']);
  assert.deepEqual(at3('Europe/Paris'), ['2030-03-31T01:00:00.000Z', '2030-04-01T01:00:00.000Z'], '03:00 CET, then 03:00 CEST');
  assert.deepEqual(at3('Asia/Kolkata'), ['2030-03-30T21:30:00.000Z', '2030-03-31T21:30:00.000Z']);
  assert.deepEqual(at3('America/New_York'), ['2030-03-31T07:00:00.000Z', '2030-04-01T07:00:00.000Z']);
});

test('a rare schedule lists the fire times cron finds; the listing shows times in the schedule\'s zone', () => {
  const leap = resolveSchedules({ schedules: { leap: { cron: '0 0 29 2 *', timezone: 'UTC', run } } }, defaultConfig());
  const listed = listSchedules(leap, Date.UTC(2027, 0, 1));
  assert.ok(listed[0]!.next.length >= 1 && listed[0]!.next.length <= 3);
  assert.equal(listed[0]!.next[0], '2028-02-29T00:00:00.000Z');

  const paris = resolveSchedules(app, withSchedules({ nightly: { cron: '0 3 * * *', timezone: 'Europe/Paris' } }));
  const table = formatListing(listSchedules(paris, Date.UTC(2030, 0, 1, 12)));
  assert.match(table, /^NAME +CRON +TIMEZONE +ACTION +STATE +LAST RUN +NEXT FIRE TIMES$/m);
  assert.match(table, /^nightly +0 3 \* \* \* +Europe\/Paris +function +- +- +2030-01-02 03:00:00 \+01:00$/m);
  assert.match(table, /^ +2030-01-04 03:00:00 \+01:00$/m);
});

test('the listing says whether a schedule is paused and how it last ran, in its zone', () => {
  const paris = resolveSchedules(app, withSchedules({ nightly: { cron: '0 3 * * *', timezone: 'Europe/Paris' } }));
  const lastRun = { tick: '2030-01-01T02:00:00.000Z', started: '2030-01-01T02:00:00.004Z', duration: 1234, outcome: 'failed' as const, host: 'web-1:42', error: 'boom' };
  const listed = listSchedules(paris, Date.UTC(2030, 0, 1, 12), 3, { nightly: { pausedSince: '2030-01-01T10:00:00.000Z', lastRun } });
  assert.equal(listed[0]!.state, 'paused');
  assert.deepEqual(listed[0]!.lastRun, lastRun);
  const table = formatListing(listed);
  assert.match(table, /^nightly +0 3 \* \* \* +Europe\/Paris +function +paused +2030-01-01 03:00:00 +2030-01-02 03:00:00 \+01:00$/m);
  assert.match(table, /^ +failed in 1234 ms +2030-01-03 03:00:00 \+01:00$/m);
  const never = formatListing(listSchedules(paris, Date.UTC(2030, 0, 1, 12), 3, { nightly: { pausedSince: null, lastRun: null } }));
  assert.match(never, /^nightly .* +active +never +2030-01-02/m);
});
