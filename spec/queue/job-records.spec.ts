// What the operator's commands read from Redis is another program's store: bee-queue's job
// records, crew's list of the newest succeeded jobs, a schedule's last run and pause. Random
// and adversarial replies never throw; what is read has the promised shape or is reported
// unreadable; and a retried record reads back with its data and a fresh attempt count.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { detailFromRecord, listedFromRecord, parseRecent, parseRecord, retriedRecord } from '../../lib/queue/redis/job-record.js';
import { parseLastRun, parsePause } from '../../lib/schedule/state.js';

const jsonish = fc.oneof(
  fc.string(),
  fc.json(),
  fc.anything().map((v) => {
    try {
      return JSON.stringify(v) ?? 'undefined';
    } catch {
      // A value JSON cannot hold: its text stands in.
      return String(typeof v);
    }
  }),
  fc.record({ data: fc.anything(), options: fc.oneof(fc.anything(), fc.record({ timestamp: fc.anything(), stacktraces: fc.anything(), retries: fc.anything(), crew: fc.anything() }, { requiredKeys: [] })) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
);

const isTimeOrNull = (value: unknown) => value === null || (typeof value === 'string' && !Number.isNaN(Date.parse(value)));

describe('records read from Redis', () => {
  it('a job record is read or refused, never thrown on, and lists with well-typed fields', () => {
    fc.assert(
      fc.property(jsonish, fc.constantFrom('waiting', 'active', 'delayed', 'failed') as fc.Arbitrary<'waiting' | 'active' | 'delayed' | 'failed'>, fc.option(fc.double()), (text, state, score) => {
        const record = parseRecord(text);
        if (!record) return;
        assert.ok(Array.isArray(record.stacks) && record.stacks.every((s) => typeof s === 'string'));
        const where = { job: 'email', id: '7', state, ...(score !== null ? { score } : {}) };
        const listed = listedFromRecord(where, record);
        assert.ok(Number.isSafeInteger(listed.attempts) && listed.attempts >= 0);
        assert.ok(listed.error === null || (typeof listed.error === 'string' && !listed.error.includes('\n')));
        for (const field of [listed.created, listed.finished, listed.runAt]) assert.ok(isTimeOrNull(field), String(field));
        const detail = detailFromRecord(where, record);
        assert.equal(detail.errors.length, record.stacks.length);
        assert.doesNotThrow(() => JSON.stringify(detail));
      }),
      { numRuns: 1000 },
    );
  });

  it('a retried record keeps its data and settings and counts its attempts afresh', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.string(), { maxLength: 5 }), fc.nat(4), (data, stacks, retries) => {
        const text = JSON.stringify({ data, options: { timestamp: 1_700_000_000_000, stacktraces: stacks, retries, backoff: { strategy: 'fixed', delay: 100 }, delay: 1_700_000_100_000 }, status: 'failed' });
        const before = parseRecord(text)!;
        const after = parseRecord(retriedRecord(before))!;
        assert.deepEqual(after.data, before.data ?? {});
        assert.deepEqual([after.stacks, after.retried, after.created], [[], 1, 1_700_000_000_000]);
        assert.equal(after.retries, Math.max(1, stacks.length + retries) - 1, 'as many attempts as it had');
        const raw = JSON.parse(retriedRecord(before)) as { options: Record<string, unknown>; status: string };
        assert.deepEqual([raw.options.delay, raw.options.backoff, raw.status], [undefined, { strategy: 'fixed', delay: 100 }, 'created']);
      }),
    );
  });

  it('the newest succeeded jobs, a last run and a pause are read or ignored, never thrown on', () => {
    fc.assert(
      fc.property(jsonish, (text) => {
        const recent = parseRecent(text);
        if (recent) assert.match(recent.id, /^[1-9][0-9]{0,15}$/);
        const run = parseLastRun(text);
        if (run) assert.ok(typeof run.host === 'string' && run.host.length <= 300 && isTimeOrNull(run.tick));
        const since = parsePause(text);
        assert.ok(isTimeOrNull(since));
      }),
      { numRuns: 1000 },
    );
  });
});
