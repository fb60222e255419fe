// The operator's job commands through the real CLI, on a real crew with each driver (a real
// redis-server for redis): real failed, delayed, waiting, running and succeeded jobs are
// listed, shown, retried (and really run again), removed and purged; the failed jobs kept are
// bounded; and whatever arrives on the control socket, the crew answers and stays up.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { callControl } from '../../lib/control/client.js';
import type { JobDetail, JobList, ListedJob, RetryResult } from '../../lib/queue/admin.js';
import { runCrewToEnd } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { tempConfig, tempDir } from '../helpers/temp-dir.js';
import { startJobsCrew, type JobsCrew } from './jobs-crew.js';

/** Asks again until `ready` holds: what a worker flushes once a second shows up within that. */
async function until<T>(ask: () => Promise<T>, ready: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await ask();
    if (ready(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last answer: ${JSON.stringify(value).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function commands(jobs: JobsCrew) {
  const json = async <T>(args: string[]): Promise<T> => {
    const result = await jobs.jobsCommand([...args, '--json']);
    assert.equal(result.code, 0, `crew jobs ${args.join(' ')}: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  };
  /** The listing straight from the crew's control socket: what `crew jobs list --json` prints, without a process per look. */
  const list = (query: Record<string, unknown> = {}) => callControl(jobs.env.CREW_CONTROL!, 'jobs.list', query, 10_000) as Promise<JobList>;
  const byId = (list: JobList) => new Map<string, ListedJob>(list.jobs.map((job) => [job.id, job]));
  return { json, list, byId };
}

const CREW = { args: ['--server', '--worker', '--queues', 'echo,failing,gate,slow'], queueKeys: 'keepFailed: 3' };

for (const driver of ['embedded', 'redis'] as const) {
  describe(`the operator's job commands with the ${driver} driver`, () => {
    it('list, show, retry and remove real jobs in every state', async (t) => {
      const jobs = await startJobsCrew(t, driver, CREW);
      if (!jobs) return;
      const { json, list, byId } = commands(jobs);
      const dir = tempDir(t);
      const gateFile = path.join(dir, 'open');
      const failing = (await jobs.enqueue('failing', { n: 1 })).id!;
      const gate = (await jobs.enqueue('gate', { file: gateFile })).id!;
      const echo = (await jobs.enqueue('echo', { hello: 'world' })).id!;
      const later = (await jobs.enqueue('echo', { later: true }, { delay: '1m' })).id!;
      const ignored = (await jobs.enqueue('ignored', { waits: true })).id!;
      await jobs.waitRuns('failing', 3, failing);
      await jobs.waitRuns('gate', 1, gate);
      await jobs.waitRuns('echo', 1, echo);
      let slow: string | undefined;

      await t.test('list --state failed: each failed job with its attempts, last error and times', async () => {
        await until(() => list({ state: 'failed' }), (l) => l.jobs.length === 2, 'two failed jobs');
        const failed = byId(await json<JobList>(['list', '--state', 'failed']));
        const one = failed.get(`failing:${failing}`)!;
        assert.deepEqual([one.job, one.jobId, one.state, one.attempts, one.maxAttempts, one.error], ['failing', failing, 'failed', 3, 3, 'Error: always fails']);
        assert.ok(Date.parse(one.created!) <= Date.parse(one.finished!), 'created before it failed');
        assert.equal(failed.get(`gate:${gate}`)!.error, `Error: no ${gateFile} yet`);
      });

      await t.test('list: every state, in order, a delayed job with its due time', async () => {
        const all = await until(() => list(), (l) => l.jobs.some((job) => job.state === 'succeeded'), 'a succeeded job listed');
        const states = all.jobs.map((job) => job.state);
        assert.deepEqual(states, [...states].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)), 'grouped by state');
        const found = byId(all);
        assert.equal(found.get(`ignored:${ignored}`)?.state, 'waiting');
        const delayed = found.get(`echo:${later}`)!;
        assert.equal(delayed.state, 'delayed');
        assert.ok(Math.abs(Date.parse(delayed.runAt!) - Date.now() - 60_000) < 15_000, `due in about a minute: ${delayed.runAt}`);
        assert.equal(found.get(`echo:${echo}`)?.state, 'succeeded');
        const table = await jobs.jobsCommand(['list']);
        assert.match(table.stdout, /^ID +STATE +ATTEMPTS +CREATED +FINISHED +ERROR$/m);
        assert.match(table.stdout, new RegExp(`^failing:${failing} +failed +3/3 +\\S+ \\S+ +\\S+ \\S+ +Error: always fails$`, 'm'));
        assert.match(table.stdout, new RegExp(`^echo:${later} +delayed +0/1 +\\S+ \\S+ +due \\S+ \\S+$`, 'm'));
        const cut = await jobs.jobsCommand(['list', '--limit', '1']);
        assert.equal(cut.stdout.split('\n').length, 4, 'a header, one job, the footer');
        assert.match(cut.stdout, /^\(showing 1 of \d+: raise --limit, or narrow with --state and --job\)$/m);
      });

      await t.test('show: the data, and every attempt\'s error with its stack', async () => {
        const shown = await json<JobDetail>(['show', `failing:${failing}`]);
        assert.deepEqual(shown.data, { n: 1 });
        assert.deepEqual(shown.errors.map((e) => e.attempt), [1, 2, 3]);
        for (const error of shown.errors) {
          assert.equal(error.message, 'Error: always fails');
          assert.match(error.stack!, /^Error: always fails\n\s+at /);
          assert.ok(error.started !== null && typeof error.ms === 'number', 'each attempt\'s timing');
        }
        const text = await jobs.jobsCommand(['show', `failing:${failing}`]);
        assert.match(text.stdout, new RegExp(`^failing:${failing} {2}failed {2}\\(attempt 3 of 3\\)$`, 'm'));
        assert.match(text.stdout, /^attempt 3 failed \(started .*, ran \d+ ms\):\n {2}Error: always fails\n {6}at /m);
        if (driver === 'embedded') assert.deepEqual((await json<JobDetail>(['show', gate])).data, { file: gateFile }, 'a bare id names one job');
        else assert.match((await jobs.jobsCommand(['show', '1'])).stderr, /^crew: job id 1 is ambiguous: \w+:1, \w+:1/);
        const missing = await jobs.jobsCommand(['show', 'echo:999999']);
        assert.equal(missing.code, 1);
        assert.match(missing.stderr, /^crew: no job echo:999999 /);
      });

      await t.test('a retried job really runs again, with its data and a fresh attempt count', async () => {
        fs.writeFileSync(gateFile, '');
        const retried = await jobs.jobsCommand(['retry', `gate:${gate}`]);
        assert.equal(retried.code, 0, retried.stderr);
        assert.equal(retried.stdout, `retried gate:${gate}\n`);
        const [, again] = await jobs.waitRuns('gate', 2, gate);
        assert.deepEqual([again!.outcome, again!.attempt], ['succeeded', 1]);
        await until(() => list({ state: 'succeeded', job: 'gate' }), (l) => l.jobs.length === 1, 'the retried job listed as succeeded');
        const done = await jobs.jobsCommand(['list', '--state', 'succeeded', '--job', 'gate']);
        assert.match(done.stdout, new RegExp(`^gate:${gate} +succeeded +1/1 `, 'm'));
        assert.match(done.stdout, /^\(queue\.keepSucceeded keeps the newest 100 succeeded jobs per job; `crew jobs stats` counts them all\)$/m);
        const refused = await jobs.jobsCommand(['retry', `echo:${echo}`]);
        assert.equal(refused.code, 1);
        assert.equal(refused.stderr, `crew: echo:${echo} has succeeded, not failed: only failed jobs are retried\n`);
      });

      await t.test('remove takes waiting and delayed jobs out; a running one is refused', async () => {
        slow = (await jobs.enqueue('slow', { ms: 5000 })).id!;
        await jobs.crew.waitFor((r) => r.message === 'slow started' && r.startedJob === slow, 'the slow job running');
        const running = await jobs.jobsCommand(['remove', `slow:${slow}`]);
        assert.equal(running.code, 1);
        assert.equal(running.stderr, `crew: slow:${slow} is running: remove it once it has finished or failed\n`);
        const removed = await jobs.jobsCommand(['remove', `echo:${later}`, `ignored:${ignored}`]);
        assert.equal(removed.code, 0, removed.stderr);
        assert.equal(removed.stdout, `removed echo:${later}\nremoved ignored:${ignored}\n`);
        const stats = (await callControl(jobs.env.CREW_CONTROL!, 'jobs.stats', null, 10_000)) as { jobs: Record<string, { waiting: number; delayed: number }> };
        assert.deepEqual([stats.jobs.ignored!.waiting, stats.jobs.echo!.delayed], [0, 0]);
        const gone = await jobs.jobsCommand(['remove', `echo:${later}`]);
        assert.equal(gone.code, 1, 'removed once, not twice');
      });

      // The slow job, refused while it ran, ends before the crew stops.
      if (slow !== undefined) await jobs.waitRuns('slow', 1, slow);
      jobs.crew.signal('SIGTERM');
      assert.equal((await jobs.crew.exited).code, 0);
    });

    it('keep a bounded number of failed jobs, retry them all, purge them; refuse whatever else arrives', async (t) => {
      const jobs = await startJobsCrew(t, driver, CREW);
      if (!jobs) return;
      const { json, list } = commands(jobs);
      const dir = tempDir(t);
      const failing = (await jobs.enqueue('failing', { n: 1 })).id!;
      const echo = (await jobs.enqueue('echo', { hello: 'world' })).id!;
      await jobs.waitRuns('failing', 3, failing);
      await jobs.waitRuns('echo', 1, echo);

      await t.test('queue.keepFailed bounds the failed jobs kept, and the listing says how many were dropped', async () => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push((await jobs.enqueue('gate', { file: path.join(dir, `never-${i}`) })).id!);
        for (const id of ids) await jobs.waitRuns('gate', 1, id);
        const kept = await until(() => list({ state: 'failed', job: 'gate' }), (l) => l.dropped.gate === 2 && l.jobs.length === 3, 'the oldest two dropped');
        assert.deepEqual(kept.jobs.map((job) => job.jobId).sort(), ids.slice(2).sort(), 'the newest three are kept');
        assert.equal(kept.keep.failed, 3);
        assert.match((await jobs.jobsCommand(['list', '--state', 'failed'])).stdout, /^\(older failed jobs were dropped: queue\.keepFailed keeps the newest 3 per job; dropped so far: gate 2\)$/m);
      });

      await t.test('retry --failed runs every failed job of a job again', async () => {
        const result = await json<RetryResult>(['retry', '--failed', '--job', 'gate']);
        assert.equal(result.retried.length, 3, JSON.stringify(result));
        assert.ok(result.retried.every((id) => id.startsWith('gate:')));
        for (const id of result.retried) await jobs.waitRuns('gate', 2, id.split(':')[1]);
        await until(() => list({ state: 'failed', job: 'gate' }), (l) => l.jobs.length === 3, 'the three failed again');
      });

      await t.test('purge removes kept failed and succeeded jobs and says how many', async () => {
        await until(() => list({ state: 'succeeded' }), (l) => l.jobs.length === 1, 'the echo job kept as succeeded');
        assert.equal((await jobs.jobsCommand(['purge', '--state', 'failed', '--older-than', '1h'])).stdout, 'purged 0 failed jobs\n');
        assert.equal((await jobs.jobsCommand(['purge', '--state', 'failed'])).stdout, 'purged 4 failed jobs\n');
        assert.match((await jobs.jobsCommand(['list', '--state', 'failed'])).stdout, /^no failed jobs\n/);
        assert.deepEqual(await json<{ purged: number }>(['purge', '--state', 'succeeded', '--job', 'echo']), { purged: 1 });
        assert.equal((await list({ state: 'succeeded' })).jobs.length, 0);
      });

      await t.test('whatever the control socket is sent, the crew answers and stays up', async () => {
        const socket = jobs.env.CREW_CONTROL!;
        const verbs = ['jobs.list', 'jobs.show', 'jobs.retry', 'jobs.remove', 'jobs.purge', 'jobs.enqueue', 'scheduler.list', 'scheduler.pause', 'scheduler.resume'];
        const hostile = fc.oneof(
          fc.anything(),
          fc.record({ state: fc.oneof(fc.string(), fc.constantFrom('failed', 'succeeded', 'waiting')), limit: fc.oneof(fc.integer(), fc.string(), fc.double()), job: fc.string() }, { requiredKeys: [] }),
          fc.record({ ids: fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant('echo:1'))), failed: fc.anything() }, { requiredKeys: [] }),
          fc.record({ id: fc.oneof(fc.string(), fc.nat()), olderThan: fc.oneof(fc.string(), fc.double()), name: fc.string() }, { requiredKeys: [] }),
        );
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...verbs), hostile, async (verb, args) => {
            try {
              await callControl(socket, verb, args, 10_000);
            } catch (error) {
              // A refusal is a sentence; a crash would be a closed connection or no answer.
              assert.doesNotMatch((error as Error).message, /closed the connection|did not answer|no running crew/);
            }
          }),
          { numRuns: 100 },
        );
        assert.equal(((await callControl(socket, 'status', null, 5000)) as { children: unknown[] }).children.length, 2, 'still running');
      });

      jobs.crew.signal('SIGTERM');
      assert.equal((await jobs.crew.exited).code, 0);
    });
  });
}

const ORDER = ['active', 'waiting', 'delayed', 'failed', 'succeeded'];

describe('hostile arguments to the job commands', () => {
  it('are refused before any queue is reached: exit 2, naming the flag and the value', async (t) => {
    const dir = tempConfig(t, `app: ${fixtureApp('jobs')}\nqueue: { driver: embedded }\n`);
    const run = (args: string[]) => runCrewToEnd(['jobs', ...args, '--config', dir], { env: { CREW_CONTROL: path.join(dir, 'nobody.sock'), REDIS_URL: '' } });
    const cases: Array<[string[], RegExp]> = [
      [['show', 'echo:abc'], /^crew: jobs show: expected a job id such as email:42, or 42 when one job name holds it, found "echo:abc"$/],
      [['show', 'echo:007'], /found "echo:007"$/],
      [['show', 'nojob:1'], /^crew: jobs show: job id "nojob:1": the app defines no job "nojob" \(/],
      [['show', ':1'], /found ":1"$/],
      [['remove', 'echo:1', 'echo:-3'], /found "echo:-3"$/],
      [['list', '--state', 'bogus'], /^crew: jobs list: --state: expected one of active, waiting, delayed, failed, succeeded, found "bogus"$/],
      [['list', '--limit', '0'], /^crew: jobs list: --limit: expected a whole number from 1 to 10000, found "0"$/],
      [['list', '--limit', '1e3'], /--limit: expected a whole number/],
      [['list', '--job', 'ech'], /^crew: jobs list: --job: the app defines no job "ech" \(did you mean "echo"\?\)$/],
      [['purge', '--state', 'waiting'], /^crew: jobs purge: --state: purge takes failed or succeeded, found "waiting" \(jobs still to run are removed one by one: `crew jobs remove <id\.\.\.>`\)$/],
      [['purge'], /^crew: jobs purge: --state is required: failed or succeeded$/],
      [['purge', '--state', 'failed', '--older-than', 'forever'], /^crew: jobs purge: --older-than: expected a duration such as 30m, 12h or 7d, found "forever"$/],
      [['retry'], /^crew: jobs retry: name the failed jobs to retry/],
      [['retry', 'echo:1', '--failed'], /^crew: jobs retry: name job ids or --failed, not both$/],
      [['retry', '--job', 'echo'], /^crew: jobs retry: --job goes with --failed/],
    ];
    for (const [args, expected] of cases) {
      const result = await run(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr.trim(), expected, args.join(' '));
    }
  });
});
