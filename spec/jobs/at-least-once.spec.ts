// At least once, for both drivers: a worker SIGKILLed mid-job does not lose the job, and a
// total-queue check — 2,000 jobs enqueued while workers are SIGKILLed again and again — ends
// with every enqueued id completed at least once. Duplicates are allowed and reported.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fs from 'node:fs';
import path from 'node:path';
import type { LogRecord } from '../helpers/crew-process.js';
import { get } from '../helpers/http.js';
import { tempDir } from '../helpers/temp-dir.js';
import { startJobsCrew, type Driver } from './jobs-crew.js';

const TOTAL = 2000;
const KILLS = 6;

for (const driver of ['embedded', 'redis'] as Driver[]) {
  describe(`at least once with the ${driver} driver`, () => {
    it('runs again what a killed worker had in hand, and loses nothing under repeated kills', async (t) => {
      const jobs = await startJobsCrew(t, driver, { args: ['--server', '--worker', '2', '--queues', 'slow,total'] });
      if (!jobs) return;
      const { crew } = jobs;

      await t.test('a worker SIGKILLed mid-job: the job still completes', async () => {
        const slow = await jobs.enqueue('slow', { ms: 700 });
        const started = await crew.waitFor((r) => r.message === 'slow started' && r.startedJob === slow.id, 'the slow job started');
        process.kill(started.pid, 'SIGKILL');
        const [run] = await jobs.waitRuns('slow', 1, slow.id, 20_000);
        assert.equal(run!.outcome, 'succeeded');
        const starts = crew.records.filter((r) => r.message === 'slow started' && r.startedJob === slow.id);
        assert.equal(starts.length, 2, 'it ran twice: once cut short, once to the end');
        assert.notEqual(run!.pid, started.pid);
      });

      await t.test(`${TOTAL} jobs enqueued while workers are SIGKILLed ${KILLS} times: none lost`, async () => {
        const ids = new Set<string>();
        const doneFile = path.join(tempDir(t), 'done.txt');
        const data = encodeURIComponent(JSON.stringify({ ms: 10, file: doneFile }));
        const enqueueing = (async () => {
          for (let batch = 0; batch < TOTAL / 250; batch++) {
            const reply = await get(`http://127.0.0.1:${jobs.port}/enqueue-many?job=total&count=250&data=${data}`, { timeout: 20_000 });
            assert.equal(reply.status, 200, reply.body);
            for (const id of (reply.json() as { ids: string[] }).ids) ids.add(id);
          }
        })();

        const killed: number[] = [];
        const doneAtKills: number[] = [];
        for (let kill = 0; kill < KILLS; kill++) {
          // Spread over the run: the k-th kill once k/(KILLS+1) of the jobs are done, of a worker
          // that has been running `total` jobs since its latest start (so it has some in hand).
          const instance = (kill % 2) + 1;
          const threshold = ((kill + 1) * TOTAL) / (KILLS + 1);
          const target = await crew.waitFor(
            (r) => r === crew.records.at(-1) && countLines(doneFile) >= threshold && latestRunner(crew.records, instance, killed) !== undefined,
            `${threshold} jobs done and worker.${instance} running`,
            20_000,
          );
          void target;
          const pid = latestRunner(crew.records, instance, killed)!;
          process.kill(pid, 'SIGKILL');
          killed.push(pid);
          doneAtKills.push(countLines(doneFile));
        }
        await enqueueing;
        assert.equal(ids.size, TOTAL, 'every enqueue got its own id');

        // The jobs' own evidence (a line per completed run in one file), not crew's records: a
        // record may die with a SIGKILLed worker a moment after its job was done.
        const done = new Map<string, number>();
        const completed = () => {
          done.clear();
          const text = fs.existsSync(doneFile) ? fs.readFileSync(doneFile, 'utf8') : '';
          for (const id of text.split('\n')) if (ids.has(id)) done.set(id, (done.get(id) ?? 0) + 1);
          return done.size === TOTAL;
        };
        // Every completion also ends in a record: each new one is the moment to look again.
        await crew.waitFor((record) => record === crew.records.at(-1) && completed(), `all ${TOTAL} jobs completed`, 40_000).catch((error: Error) => {
          if (!completed()) throw new Error(`${TOTAL - done.size} of ${TOTAL} jobs never completed: ${error.message.slice(0, 300)}`);
        });
        const duplicates = [...done.values()].filter((n) => n > 1).length;
        t.diagnostic(`${driver}: ${TOTAL} jobs, ${KILLS} workers killed (after ${doneAtKills.join(', ')} completions), ${duplicates} job(s) ran more than once`);
        assert.ok(doneAtKills.every((n) => n < TOTAL), 'every kill landed while work was left');
        if (driver === 'embedded') {
          // The broker says what each kill left unfinished: evidence the kills cut work short.
          const requeued = crew.records.filter((r) => r.component === 'crew' && typeof r.requeued === 'number').map((r) => Number(r.requeued));
          t.diagnostic(`embedded: jobs given back by killed workers: ${requeued.join(', ')}`);
          assert.ok(requeued.length >= KILLS - 1, 'the kills found jobs in hand');
        }
        const failed = crew.records.filter((r) => r.job === 'total' && r.outcome !== 'succeeded' && r.outcome !== undefined);
        assert.deepEqual(failed, [], 'no total job failed');
      });
    });
  });
}

function countLines(file: string): number {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').length - 1 : 0;
}

/** The pid of the latest `total` run record of worker.<instance> whose process was not killed yet. */
function latestRunner(records: readonly LogRecord[], instance: number, killed: readonly number[]): number | undefined {
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i]!;
    if (r.job === 'total' && r.component === 'worker' && r.instance === instance) return killed.includes(r.pid) ? undefined : r.pid;
  }
  return undefined;
}
