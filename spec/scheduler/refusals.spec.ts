// A schedule crew cannot run stops `crew start` with exit 2 and a message naming the schedule,
// before anything is forked, whether config or the app declared it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCrewToEnd } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { tempConfig } from '../helpers/temp-dir.js';

const start = (config: string, schedules = '') =>
  runCrewToEnd(['start', '--scheduler', '--app', fixtureApp('schedules'), '--config', config], { env: { SCHEDULES: schedules, REDIS_URL: '' } });

const CONFIG_CASES: Array<[string, string, RegExp]> = [
  ['invalid expression', 'nightly: { cron: "61 * * * *", command: "true" }', /schedules\.nightly\.cron: expected a cron expression \(5 fields, or 6 with seconds\), found "61 \* \* \* \*"/],
  ['impossible date', 'nightly: { cron: "0 0 31 2 *", command: "true" }', /schedules\.nightly\.cron: .*found "0 0 31 2 \*", which matches no date/],
  ['unknown timezone', 'nightly: { cron: "0 3 * * *", timezone: Mars/Olympus, command: "true" }', /schedules\.nightly\.timezone: expected an IANA timezone .*found "Mars\/Olympus"/],
  ['no action', 'nightly: { cron: "0 3 * * *" }', /schedules\.nightly: expected one action: .*found none/],
  ['two actions', 'nightly: { cron: "0 3 * * *", job: report, command: "true" }', /schedules\.nightly: expected one action: .*found job and command/],
];

for (const [what, yaml, message] of CONFIG_CASES) {
  test(`a config schedule with ${what} exits 2 naming the file and the schedule`, async (t) => {
    const result = await start(tempConfig(t, `schedules:\n  ${yaml}\n`));
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^crew: \S*default\.yaml: schedules\.nightly/m);
    assert.match(result.stderr, message);
    assert.doesNotMatch(result.stdout, /started \(pid/, 'nothing was forked');
  });
}

test('an app schedule crew cannot run exits 2 naming the app module and every bad schedule', async (t) => {
  const result = await start(tempConfig(t, ''), 'bad-cron,bad-timezone,two-actions,every-second');
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /schedules\.bad-cron\.cron: expected a cron expression .*found "61 \* \* \* \*"/);
  assert.match(result.stderr, /schedules\.bad-timezone\.timezone: expected an IANA timezone .*found "Mars\/Olympus"/);
  assert.match(result.stderr, /schedules\.two-actions: expected one action: .*found job and command/);
  assert.match(result.stderr, /schedules\.bad-cron\.cron: .*\n/);
  assert.match(result.stderr, /^crew: .*schedules\.js: schedules\.bad-cron\.cron/m);
  assert.doesNotMatch(result.stdout, /started \(pid/);
});

test('a bad schedule is refused even when the scheduler is not asked for: config is checked whole', async (t) => {
  const result = await runCrewToEnd(['start', '--server', '--port', String(await freePort()), '--app', fixtureApp('schedules'), '--config', tempConfig(t, 'schedules: { nightly: { cron: "0 3 * *", command: "true" } }\n')], { env: { REDIS_URL: '' } });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /schedules\.nightly\.cron: .*\(too few fields\)/);
});
