// One attempt of a job, as the worker records it: whatever a handler throws is told as it was
// (not "[object Object]" with a stack from inside crew), and a handler that stops because its
// signal was aborted at the timeout gets no second, "overran" record.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { jobSettings } from '../../lib/app/job-settings.js';
import type { CrewContext, JobHandler } from '../../lib/app/types.js';
import { createJobRunner } from '../../lib/components/worker/run-job.js';
import type { RunRecord } from '../../lib/components/worker/run-record.js';

interface Said {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

function runnerFor(run: JobHandler, timeout?: number) {
  const said: Said[] = [];
  const record = Object.assign((level: string, message: string, fields: Record<string, unknown>) => void said.push({ level, message, fields }), { flush: () => undefined }) as RunRecord;
  const jobs = jobSettings({ job: timeout === undefined ? run : { run, timeout } });
  const runner = createJobRunner(jobs, {} as CrewContext, record);
  const attempt = (id = '1') => runner.run({ id, name: 'job', data: {}, attempt: 1, attempts: 1 });
  return { said, attempt };
}

describe('a job that throws', () => {
  it('is recorded with what it threw, an object shown as an object and without a stack of crew', async () => {
    const { said, attempt } = runnerFor(() => {
      throw { code: 42 };
    });
    await assert.rejects(attempt(), (error: Error) => error.message === '{ code: 42 }' && !/run-job/.test(error.stack ?? ''));
    const [failed] = said;
    assert.equal(failed!.message, 'job 1 failed in ' + String(failed!.fields.ms) + ' ms (attempt 1 of 1): threw { code: 42 } (an object, not an Error); giving up');
    assert.equal(failed!.fields.error, '{ code: 42 }');
    assert.equal(failed!.fields.thrown, 'an object');
    assert.equal(failed!.fields.stack, undefined);
    assert.doesNotMatch(JSON.stringify(said), /\[object Object\]/);
  });

  it('keeps an Error\'s own message and stack', async () => {
    const { said, attempt } = runnerFor(async () => {
      throw new TypeError('bad input');
    });
    await assert.rejects(attempt(), TypeError);
    assert.equal(said[0]!.fields.error, 'bad input');
    assert.match(String(said[0]!.fields.stack), /^TypeError: bad input\n\s+at /);
  });

  it('tells any thrown value faithfully', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything({ maxDepth: 3 }), fc.constantFrom(undefined, null, Symbol('s'), 10n, () => 1, new Map([[1, 2]]))), async (value) => {
        if (value instanceof Error) return;
        const { said, attempt } = runnerFor(() => Promise.reject(value));
        await assert.rejects(attempt());
        const fields = said[0]!.fields;
        assert.equal(typeof fields.error, 'string');
        assert.equal(typeof fields.thrown, 'string');
        if (typeof value === 'string') assert.equal(fields.error, value);
        else assert.doesNotMatch(String(fields.error), /^\[object /);
        assert.equal(fields.stack, undefined);
      }),
      { numRuns: 200 },
    );
  });
});

describe('a job past its timeout', () => {
  it('that stops on its aborted signal gets no overrun record', async () => {
    const { said, attempt } = runnerFor(async (_data, ctx) => {
      await sleep(5000, undefined, { signal: ctx.job.signal });
    }, 50);
    await assert.rejects(attempt(), /timed out after 50 ms/);
    // The handler's own rejection (an AbortError) follows on the abort: give it its turn.
    await sleep(50);
    assert.deepEqual(
      said.map((s) => s.fields.outcome),
      ['failed'],
    );
  });

  it('that throws the abort reason (signal.throwIfAborted) gets none either', async () => {
    const { said, attempt } = runnerFor(async (_data, ctx) => {
      while (!ctx.job.signal.aborted) await sleep(10);
      ctx.job.signal.throwIfAborted();
    }, 50);
    await assert.rejects(attempt());
    await sleep(100);
    assert.deepEqual(
      said.map((s) => s.fields.outcome),
      ['failed'],
    );
  });

  it('that ignores its signal is said to have overrun when it ends', async () => {
    const { said, attempt } = runnerFor(async () => {
      await sleep(200);
    }, 50);
    await assert.rejects(attempt());
    await sleep(300);
    assert.deepEqual(
      said.map((s) => s.fields.outcome),
      ['failed', 'overran'],
    );
    assert.match(said[1]!.message, /returned [\d.]+ ms after it started, past its timeout: its outcome is discarded/);
  });
});
