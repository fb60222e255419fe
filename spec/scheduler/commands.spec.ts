// `crew scheduler list` and `crew scheduler run <name>` through the real CLI.
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCrewToEnd, type LogRecord } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { startRedis } from '../helpers/redis-server.js';
import { tempConfig } from '../helpers/temp-dir.js';

const CONFIG = `schedules:
  kolkata: { cron: "30 6 * * *", timezone: Asia/Kolkata, command: "echo from config" }
  nightly: { cron: "0 4 * * *" }
`;
// No crew answers here: the commands act on this project alone, whatever else runs in this folder.
const NO_CREW = path.join(os.tmpdir(), `crew-spec-no-crew-${process.pid}.sock`);
const scheduler = (config: string, args: string[]) =>
  runCrewToEnd(['scheduler', ...args, '--app', fixtureApp('schedules'), '--config', config], { env: { SCHEDULES: 'nightly,shell', REDIS_URL: '', CREW_CONTROL: NO_CREW } });
const records = (stdout: string) => stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogRecord);

test('list --json: every schedule with its timezone, action and next three fire times', async (t) => {
  const result = await scheduler(tempConfig(t, CONFIG), ['list', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const listed = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
  const byName = Object.fromEntries(listed.map((s) => [s.name, s]));
  assert.deepEqual(Object.keys(byName).sort(), ['kolkata', 'nightly', 'shell']);

  const nightly = byName.nightly!;
  assert.equal(nightly.cron, '0 4 * * *', 'config retimed the app\'s schedule');
  assert.equal(nightly.timezone, 'Europe/Paris');
  assert.equal(nightly.source, 'app+config');
  assert.deepEqual(nightly.action, { kind: 'function' });

  const kolkata = byName.kolkata!;
  assert.deepEqual(kolkata.action, { kind: 'command', command: 'echo from config' });
  const next = kolkata.next as string[];
  assert.equal(next.length, 3);
  for (const time of next) assert.match(time, /T01:00:00\.000Z$/, '06:30 in Kolkata is 01:00 UTC');
  assert.equal(Date.parse(next[1]!) - Date.parse(next[0]!), 86_400_000);
  assert.ok(Date.parse(next[0]!) > Date.now());

  const shell = byName.shell!;
  const times = (shell.next as string[]).map(Date.parse);
  assert.deepEqual([times[1]! - times[0]!, times[2]! - times[1]!], [1000, 1000], 'a seconds field fires every second');
});

test('list: a table with the fire times in each schedule\'s zone', async (t) => {
  const result = await scheduler(tempConfig(t, CONFIG), ['list']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^NAME +CRON +TIMEZONE +ACTION +STATE +LAST RUN +NEXT FIRE TIMES$/m);
  assert.match(result.stdout, /^kolkata +30 6 \* \* \* +Asia\/Kolkata +command "echo from config" +- +- +\d{4}-\d\d-\d\d 06:30:00 \+05:30$/m);
  assert.match(result.stdout, /^nightly +0 4 \* \* \* +Europe\/Paris +function +- +- +\d{4}-\d\d-\d\d 04:00:00 \+0[12]:00$/m);
  assert.match(result.stdout, /^\(no crew runs here and config names no Redis: whether each is paused, and its last run, are not known\)$/m);
});

test('run <name>: runs the action now, with its output and a run record; the exit code says how it went', async (t) => {
  const config = tempConfig(t, CONFIG);
  const shell = await scheduler(config, ['run', 'shell', '--log-format', 'json']);
  assert.equal(shell.code, 1, 'the command exited 3: the run failed');
  const lines = records(shell.stdout);
  assert.deepEqual(
    lines.filter((r) => r.stream === 'stdout').map((r) => r.message),
    ['out line one', 'out line two'],
  );
  assert.deepEqual(lines.filter((r) => r.stream === 'stderr').map((r) => [r.message, r.level]), [['err line', 'error']]);
  const record = lines.at(-1)!;
  assert.equal(record.schedule, 'shell');
  assert.equal(record.component, 'scheduler');
  assert.equal(record.exitCode, 3);
  assert.equal(record.outcome, 'failed');
  assert.equal(record.tick, undefined, 'a run by hand is not a tick');

  const fromConfig = await scheduler(config, ['run', 'kolkata', '--log-format', 'json']);
  assert.equal(fromConfig.code, 0, fromConfig.stderr);
  assert.deepEqual(records(fromConfig.stdout).map((r) => r.message), ['from config', 'kolkata: command exited 0 (' + String(records(fromConfig.stdout).at(-1)!.duration) + ' ms)']);

  const fn = await scheduler(config, ['run', 'nightly', '--log-format', 'json']);
  assert.equal(fn.code, 0, fn.stderr);
  assert.ok(records(fn.stdout).some((r) => r.message === 'nightly ran by hand'));
});

test('run <name> with a name no schedule has exits 2 and suggests the closest', async (t) => {
  const result = await scheduler(tempConfig(t, CONFIG), ['run', 'nigthly']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /no schedule "nigthly" \(did you mean "nightly"\?\)/);
});

test('run <name> of a job schedule enqueues the job, as `crew jobs enqueue` would', async (t) => {
  const redis = await startRedis(t);
  if (!redis) return;
  const config = tempConfig(t, '');
  const env = { SCHEDULES: 'enqueue', REDIS_URL: redis.url, CREW_CONTROL: NO_CREW };
  const result = await runCrewToEnd(['scheduler', 'run', 'enqueue', '--app', fixtureApp('schedules'), '--config', config, '--log-format', 'json'], { env });
  assert.equal(result.code, 0, result.stderr);
  const record = records(result.stdout).at(-1)!;
  assert.equal(record.outcome, 'ok');
  assert.match(String(record.jobId), /\S/);
  const stats = await runCrewToEnd(['jobs', 'stats', '--json', '--app', fixtureApp('schedules'), '--config', config], { env });
  assert.equal(stats.code, 0, stats.stderr);
  const report = (JSON.parse(stats.stdout) as { jobs: Record<string, { waiting: number }> }).jobs.report;
  assert.equal(report?.waiting, 1, stats.stdout);
});
