// The operator's arguments — job ids, states, limits, ages, job names — against random and
// adversarial input: each reader either returns a value of the promised shape or refuses with
// an AdminArgumentError whose sentence quotes the value shortened; nothing else ever escapes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { JOB_STATES } from '../../lib/queue/admin.js';
import { AdminArgumentError, MAX_IDS, MAX_LIMIT, parseAge, parseJobName, parseJobRef, parseJobRefs, parseLimit, parsePurgeState, parseState, shown } from '../../lib/queue/admin-args.js';

const JOBS = new Set(['email', 'report', 'a:b']);

/** Runs `read`; a refusal must be an AdminArgumentError with a bounded message. */
function readOrRefuse<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    assert.ok(error instanceof AdminArgumentError, `not a refusal: ${String(error)}`);
    assert.ok(error.message.length < 400, `a long refusal: ${error.message}`);
    return undefined;
  }
}

const hostile = fc.oneof(fc.anything(), fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', ' ', ':', '::', 'email:', ':1', 'email:0', 'email:01', 'email:-1', 'email:1.5', 'email:1e3', '1'.repeat(17), 'email:99999999999999999', '__proto__:1', 'constructor', 'email:1\n', '\u0000'));

describe('the operator\'s arguments', () => {
  it('a job id is `<job>:<digits>` of a known job, or bare digits; anything else is refused', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const ref = readOrRefuse(() => parseJobRef(value, JOBS));
        if (ref === undefined) return;
        assert.match(ref.id, /^[1-9][0-9]{0,15}$/);
        assert.ok(ref.job === undefined || JOBS.has(ref.job));
      }),
      { numRuns: 2000 },
    );
  });

  it('every id a listing prints reads back as itself, job names with colons included', () => {
    fc.assert(
      fc.property(fc.constantFrom(...JOBS), fc.bigInt({ min: 1n, max: 10n ** 16n - 1n }), (job, n) => {
        assert.deepEqual(parseJobRef(`${job}:${n}`, JOBS), { job, id: String(n) });
        assert.deepEqual(parseJobRef(String(n), JOBS), { job: undefined, id: String(n) });
      }),
    );
  });

  it('a list of ids is one to MAX_IDS ids, each checked', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.array(hostile, { maxLength: 5 })), (value) => {
        const refs = readOrRefuse(() => parseJobRefs(value, JOBS));
        if (refs !== undefined) assert.ok(Array.isArray(value) && refs.length === value.length && refs.length > 0);
      }),
    );
    assert.throws(() => parseJobRefs(Array.from({ length: MAX_IDS + 1 }, () => '1'), JOBS), /at most 10000 job ids at once, found 10001/);
  });

  it('a state is one of the five; purge takes only the kept outcomes', () => {
    fc.assert(
      fc.property(fc.oneof(hostile, fc.constantFrom(...JOB_STATES)), (value) => {
        const state = readOrRefuse(() => parseState(value));
        if (state !== undefined) assert.ok((JOB_STATES as readonly unknown[]).includes(state));
        const purge = readOrRefuse(() => parsePurgeState(value));
        if (purge !== undefined) assert.ok(purge === 'failed' || purge === 'succeeded');
      }),
    );
  });

  it('a limit is a whole number from 1 to MAX_LIMIT, as a number or digits', () => {
    fc.assert(
      fc.property(fc.oneof(hostile, fc.integer(), fc.double(), fc.integer().map(String)), (value) => {
        const limit = readOrRefuse(() => parseLimit(value));
        if (limit !== undefined) assert.ok(Number.isSafeInteger(limit) && limit >= 1 && limit <= MAX_LIMIT);
      }),
    );
    assert.equal(parseLimit(undefined), 50);
    assert.equal(parseLimit('10000'), 10000);
  });

  it('an age is a duration (ms, s, m, h, compounds) or days, never negative nor past a century', () => {
    fc.assert(
      fc.property(fc.oneof(hostile, fc.double(), fc.tuple(fc.nat(), fc.constantFrom('ms', 's', 'm', 'h', 'd', 'w', 'y')).map(([n, u]) => `${n}${u}`)), (value) => {
        const age = readOrRefuse(() => parseAge(value));
        if (age !== undefined) assert.ok(Number.isSafeInteger(age) && age >= 0 && age <= 100 * 365 * 86_400_000);
      }),
    );
    assert.deepEqual(['90s', '2h', '1h30m', '7d', '1.5d', '250'].map((v) => parseAge(v)), [90_000, 7_200_000, 5_400_000, 604_800_000, 129_600_000, 250]);
  });

  it('a job name is one the app defines, with the closest suggested', () => {
    fc.assert(fc.property(hostile, (value) => void readOrRefuse(() => parseJobName(value, JOBS))));
    assert.throws(() => parseJobName('emial', JOBS), /^AdminArgumentError: --job: the app defines no job "emial" \(did you mean "email"\?\)$/);
  });

  it('a refusal quotes the value in at most 60 characters, whatever it is', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.string({ unit: 'binary', maxLength: 500 })), (value) => {
        const text = shown(value);
        assert.ok(text.length <= 60);
        assert.ok(![...text].some((c) => c.charCodeAt(0) < 0x20), 'control characters are escaped');
      }),
    );
  });
});
