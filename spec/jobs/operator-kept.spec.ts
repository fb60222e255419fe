// What the queue keeps for the operator, on a real crew with each driver: the failed jobs kept
// are bounded by queue.keepFailed (and the listing says how many were dropped), retry --failed
// runs them all again, purge removes kept outcomes and says how many; whatever arrives on the
// control socket, the crew answers and stays up; and arguments that cannot be right are
// refused before any queue is reached.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { callControl } from '../../lib/control/client.js';
import type { RetryResult } from '../../lib/queue/admin.js';
import { runCrewToEnd } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { tempConfig, tempDir } from '../helpers/temp-dir.js';
import { startJobsCrew } from './jobs-crew.js';
import { commands, CREW, until } from './operator-crew.js';

for (const driver of ['embedded', 'redis'] as const) {
  describe(`what the ${driver} driver keeps for the operator`, () => {
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
