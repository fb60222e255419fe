// The operator's job commands through the real CLI, on a real crew with each driver (a real
// redis-server for redis): real failed, delayed, waiting, running and succeeded jobs are
// listed and shown, a failed one is retried and really runs again, and waiting and delayed
// ones are removed (a running one is refused). What is kept, and purged: ./operator-kept.spec.ts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { callControl } from '../../lib/control/client.js';
import type { JobDetail, JobList } from '../../lib/queue/admin.js';
import { tempDir } from '../helpers/temp-dir.js';
import { startJobsCrew } from './jobs-crew.js';
import { commands, CREW, ORDER, until } from './operator-crew.js';

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

  });
}
