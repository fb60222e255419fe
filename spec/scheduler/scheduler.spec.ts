// The scheduler in a real crew: one crew arms several per-second schedules at once, and each
// subtest watches one of them. Tolerance: a tick's run starts no earlier than its second and
// less than LATE_MS after it (measured in the run itself; typically a few ms on an idle machine).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { alive, runCrew, type LogRecord } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { tempConfig, tempDir } from '../helpers/temp-dir.js';

const LATE_MS = 500;

interface Tick {
  name: string;
  tick: number;
  at: number;
}

function readTicks(file: string, name: string): Tick[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' '))
    .map(([n, tick, at]) => ({ name: n!, tick: Number(tick), at: Number(at) }))
    .filter((t) => t.name === name);
}

const of = (schedule: string, extra: (r: LogRecord) => boolean = () => true) => (r: LogRecord) => r.component === 'scheduler' && r.schedule === schedule && extra(r);

test('a scheduler with per-second schedules', async (t) => {
  const dir = tempDir(t);
  const tickFile = path.join(dir, 'ticks');
  const crew = runCrew(t, ['start', '--scheduler', '--app', fixtureApp('schedules'), '--config', tempConfig(t, ''), '--grace', '3s'], {
    env: { SCHEDULES: 'every-second,slow,slow-overlapping,flaky,shell,hang', TICK_FILE: tickFile, CREW_CONTROL: path.join(dir, 'control.sock'), REDIS_URL: '' },
  });
  await crew.waitFor((r) => r.component === 'crew' && /scheduler\.1 ready/.test(r.message), 'the scheduler ready', 20_000);
  const armed = crew.records.filter((r) => r.component === 'scheduler' && / armed: /.test(r.message));
  assert.equal(armed.length, 6, 'ready comes after every schedule is armed');

  await t.test(`fires every second, on its second and less than ${LATE_MS} ms late, each tick once`, async () => {
    const runs = await crew.waitForCount(of('every-second', (r) => r.outcome === 'ok'), 5, 'five every-second runs', 15_000);
    const ticks = runs.map((r) => Date.parse(r.tick as string));
    for (let i = 1; i < ticks.length; i += 1) assert.equal(ticks[i]! - ticks[i - 1]!, 1000, `consecutive seconds: ${ticks.map((x) => new Date(x).toISOString())}`);
    for (const tick of readTicks(tickFile, 'every-second')) {
      assert.equal(tick.tick % 1000, 0, 'ticks fall on whole seconds');
      const late = tick.at - tick.tick;
      assert.ok(late >= 0 && late < LATE_MS, `tick ${new Date(tick.tick).toISOString()} ran ${late} ms after its second`);
    }
    for (const r of runs) assert.equal(r.action, 'function');
  });

  await t.test('a tick whose previous run is still going is skipped and recorded; overlap: allow runs it', async () => {
    const skipped = await crew.waitFor(of('slow', (r) => r.outcome === 'skipped'), 'a skipped slow tick', 15_000);
    assert.equal(skipped.reason, 'overlap');
    assert.match(skipped.message, /^slow: tick .* skipped: the previous run is still going/);
    await crew.waitFor(of('slow', (r) => r.outcome === 'ok'), 'a finished slow run', 15_000);
    const starts = readTicks(tickFile, 'slow').map((x) => x.at);
    for (let i = 1; i < starts.length; i += 1) assert.ok(starts[i]! - starts[i - 1]! >= 2500, `slow runs never overlap: ${starts}`);

    await crew.waitForCount(of('slow-overlapping', (r) => r.outcome === 'ok'), 2, 'two slow-overlapping runs', 15_000);
    const overlapping = readTicks(tickFile, 'slow-overlapping').map((x) => x.tick);
    assert.ok(overlapping.length >= 4, `overlapping runs start every second: ${overlapping.length}`);
    for (let i = 1; i < overlapping.length; i += 1) assert.equal(overlapping[i]! - overlapping[i - 1]!, 1000);
    assert.equal(crew.records.filter(of('slow-overlapping', (r) => r.outcome === 'skipped')).length, 0);
  });

  await t.test('a run that throws is recorded with its error and the next tick runs', async () => {
    const failed = await crew.waitFor(of('flaky', (r) => r.outcome === 'failed'), 'a failed flaky run', 15_000);
    assert.equal(failed.level, 'error');
    assert.equal(failed.error, 'flaky failed on an even second');
    assert.match(String(failed.stack), /flaky failed on an even second\n\s+at /);
    const later = await crew.waitFor(of('flaky', (r) => r.outcome === 'ok' && Date.parse(r.tick as string) > Date.parse(failed.tick as string)), 'a flaky run after the failure', 15_000);
    assert.equal(Date.parse(later.tick as string) - Date.parse(failed.tick as string), 1000);
  });

  await t.test('a shell command\'s lines are tagged with the schedule and its exit code is recorded', async () => {
    const record = await crew.waitFor(of('shell', (r) => r.action === 'command' && r.outcome !== undefined), 'a shell run record', 15_000);
    assert.equal(record.outcome, 'failed');
    assert.equal(record.exitCode, 3);
    assert.equal(record.level, 'error');
    assert.match(record.message, /^shell: command exited 3 after \d+ ms$/);
    const first = crew.records.indexOf(record);
    const output = crew.records.slice(0, first).filter(of('shell', (r) => r.stream !== undefined));
    const lines = output.slice(-3);
    assert.deepEqual(
      lines.map((r) => [r.message, r.stream, r.level]).sort(),
      [
        ['err line', 'stderr', 'error'],
        ['out line one', 'stdout', 'info'],
        ['out line two', 'stdout', 'info'],
      ],
    );
    for (const r of lines) assert.equal(r.instance, 1);
    const outs = lines.filter((r) => r.stream === 'stdout').map((r) => r.message);
    assert.deepEqual(outs, ['out line one', 'out line two'], 'stdout lines stay in order');
  });

  await t.test('a command past its timeout is killed with everything it started', async () => {
    const record = await crew.waitFor(of('hang', (r) => r.outcome === 'timeout'), 'a timed-out hang run', 15_000);
    assert.equal(record.signal, 'SIGTERM');
    assert.ok((record.duration as number) >= 400 && (record.duration as number) < 2000, `killed at its 400 ms timeout: ${record.duration}`);
    const started = crew.records.filter(of('hang', (r) => /^hang started \d+$/.test(r.message)));
    assert.ok(started.length > 0);
    const sleeper = Number(started[0]!.message.split(' ')[2]);
    // The group was signalled when the record was written; give the kernel a moment to reap.
    const deadline = Date.now() + 2000;
    while (alive(sleeper) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(alive(sleeper), false, `the command's background child ${sleeper} is gone too`);
  });

  crew.signal('SIGTERM');
  const exit = await crew.exited;
  assert.equal(exit.code, 0, crew.stderr());
  assert.ok(!crew.records.some((r) => r.component === 'scheduler' && /handling the tick failed/.test(r.message)));
});

test('a job schedule enqueues its job with its data at each tick, and a worker runs it', async (t) => {
  const dir = tempDir(t);
  const crew = runCrew(t, ['start', '--scheduler', '--worker', '--app', fixtureApp('schedules'), '--config', tempConfig(t, ''), '--grace', '2s'], {
    env: { SCHEDULES: 'enqueue', CREW_CONTROL: path.join(dir, 'control.sock'), REDIS_URL: '' },
  });
  const enqueued = await crew.waitFor(of('enqueue', (r) => r.outcome === 'ok'), 'an enqueue run', 15_000);
  assert.equal(enqueued.action, 'job');
  assert.equal(enqueued.job, 'report');
  assert.match(String(enqueued.jobId), /\S/);
  assert.match(enqueued.message, new RegExp(`^enqueue: enqueued job report as ${enqueued.jobId} \\(\\d+ ms\\)$`));
  await crew.waitFor((r) => r.component === 'worker' && r.jobId === enqueued.jobId && r.outcome === 'succeeded', `job ${enqueued.jobId} done`, 15_000);
  const ran = crew.records.filter((r) => r.component === 'worker' && r.message === 'report job ran');
  assert.ok(ran.length > 0);
  assert.deepEqual(ran[0]!.data, { kind: 'tick' });
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0, crew.stderr());
});
