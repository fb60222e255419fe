// A JSON line a child wrote keeps the log stream's contract whatever it holds: `timestamp` is
// crew's time of receipt, `level` one of crew's levels, `message` a string, the tags crew's;
// the child's own values of these that do not fit are kept under `child…` names, never
// dropped; every other member keeps its text and its place. No shape, depth or size of a value
// makes the formatter throw.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ByteBuilder } from '../../lib/log/byte-builder.js';
import { createFormatter, type StreamName } from '../../lib/log/formatter.js';
import { members, memberKey } from '../../lib/log/json-members.js';
import { WHOLE } from '../../lib/log/line-splitter.js';
import type { Tags } from '../../lib/log/tags.js';

const tags: Tags = { component: 'worker', instance: 3, pid: 4242 };
const TAG_FIELDS = { component: 'worker', instance: 3, pid: 4242 };
const NOW = Date.UTC(2026, 11, 1, 8, 37, 31, 123);
const ISO = '2026-12-01T08:37:31.123Z';
const LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'];
const CONTRACT = ['timestamp', 'level', 'message', 'component', 'instance', 'pid'];

type Fields = Record<string, unknown>;
// What a terminal acts on (tab aside): never in a pretty line.
// eslint-disable-next-line no-control-regex -- control characters are what it is about
const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

// The json record of `line`, checked to be the same by the byte way and the text way.
function record(line: string, stream: StreamName = 'stdout'): Fields {
  const format = createFormatter({ format: 'json', color: false }).forStream(tags, stream);
  const text = format.text(line, WHOLE, NOW);
  const out = new ByteBuilder(64);
  const bytes = Buffer.from(line);
  format.appendLine(out, bytes, 0, bytes.length, WHOLE, NOW);
  assert.equal(out.take().toString(), text, 'relaying bytes and rendering text agree');
  assert.ok(text.endsWith('\n') && text.indexOf('\n') === text.length - 1, `one line: ${text.slice(0, 200)}`);
  return JSON.parse(text) as Fields;
}

describe("a child's JSON line, in json", () => {
  it('gets crew time, a level of crew, a string message; what did not fit is kept aside', () => {
    assert.deepEqual(record('{"timestamp":5,"level":"nonsense","message":123}'), {
      timestamp: ISO,
      level: 'info',
      message: '123',
      childTimestamp: 5,
      childLevel: 'nonsense',
      childMessage: 123,
      ...TAG_FIELDS,
    });
    assert.deepEqual(record('{"message":{"text":"m","n":[1,2]},"level":null}', 'stderr'), {
      timestamp: ISO,
      level: 'error',
      message: '{"text":"m","n":[1,2]}',
      childMessage: { text: 'm', n: [1, 2] },
      childLevel: null,
      ...TAG_FIELDS,
    });
  });

  it('cannot be backdated: its own timestamp is kept as childTimestamp', () => {
    const out = record('{"timestamp":"1999-01-01T00:00:00.000Z","level":"info","message":"from the past"}');
    assert.equal(out.timestamp, ISO);
    assert.equal(out.childTimestamp, '1999-01-01T00:00:00.000Z');
    assert.equal(out.message, 'from the past');
  });

  it('reads a pino line: numeric level, msg, time; its pid is the tag', () => {
    const pino = record('{"level":30,"time":1700000000000,"pid":4242,"hostname":"box","msg":"hello"}');
    assert.deepEqual(pino, { timestamp: ISO, level: 'info', message: 'hello', childLevel: 30, time: 1700000000000, hostname: 'box', ...TAG_FIELDS });
    assert.equal(record('{"level":50,"msg":"bad","pid":7}').level, 'error');
    assert.equal(record('{"level":50,"msg":"bad","pid":7}').childPid, 7, 'a pid that is not the tag is kept aside');
    assert.deepEqual(record('{"msg":"kept","message":"wins"}'), { timestamp: ISO, level: 'info', message: 'wins', msg: 'kept', ...TAG_FIELDS });
  });

  it("reads other loggers' level names", () => {
    const cases: Array<[unknown, string]> = [['WARNING', 'warn'], ['Fatal', 'error'], ['critical', 'error'], ['trace', 'silly'], ['notice', 'info'], [60, 'error'], [20, 'debug'], [10, 'silly'], [3, 'info'], ['constructor', 'info'], ['debug', 'debug']];
    for (const [level, expected] of cases) {
      const out = record(JSON.stringify({ level, message: 'm' }));
      assert.equal(out.level, expected, String(level));
      if (level !== expected) assert.equal(out.childLevel, level);
      else assert.equal('childLevel' in out, false);
    }
  });

  it('with duplicate keys, takes the last as JSON does and keeps the others aside', () => {
    assert.deepEqual(record('{"level":"warn","message":"a","level":"error","message":"b","x":1,"x":2}'), {
      timestamp: ISO,
      level: 'error',
      message: 'b',
      childLevel: 'warn',
      childMessage: 'a',
      x: 2,
      ...TAG_FIELDS,
    });
  });

  it('never overwrites a field of its own with a name it moves aside', () => {
    const out = record('{"timestamp":1,"childTimestamp":2,"childChildTimestamp":3}');
    assert.deepEqual([out.childTimestamp, out.childChildTimestamp, out.childChildChildTimestamp], [2, 3, 1]);
  });

  it('nested thousands deep, with tag fields, comes out whole: the relay never re-serialises it', () => {
    for (const depth of [6_000, 30_000]) {
      const line = `{"pid":1,"component":"x","a":${'['.repeat(depth)}${']'.repeat(depth)}}`;
      const out = record(line);
      assert.equal(out.pid, 4242);
      assert.equal(out.childPid, 1);
      let value = out.a;
      let seen = 0;
      while (Array.isArray(value) && value.length === 1) {
        value = value[0];
        seen++;
      }
      assert.equal(seen + 1, depth, 'the value is kept as the child wrote it');
    }
  });
});

describe("a child's JSON line, in pretty", () => {
  const pretty = (line: string): string => createFormatter({ format: 'pretty', color: false }).forStream(tags, 'stdout').text(line, WHOLE, NOW);

  it('shows the message, the level and the fields, not the time it claims', () => {
    assert.match(pretty('{"timestamp":"1999-01-01T00:00:00.000Z","level":"WARNING","message":"m","n":1}'), /^\d\d:\d\d:\d\d\.123 worker\.3 \| warn: m n=1\n$/);
    assert.match(pretty('{"level":30,"msg":"from pino","pid":4242}'), /\| from pino\n$/);
  });

  it('survives any depth', () => {
    const out = pretty(`{"pid":1,"a":${'['.repeat(30_000)}${']'.repeat(30_000)}}`);
    assert.ok(out.endsWith(`${']'.repeat(30_000)}\n`));
  });
});

// Random JSON objects written the ways children write them: any values, the contract's keys
// with values of any type, duplicates, nesting, spacing.
const key = fc.oneof(fc.constantFrom(...CONTRACT, 'msg', 'childLevel', 'childTimestamp', 'stack', 'time'), fc.string({ maxLength: 8 }));
const deep = fc.integer({ min: 1, max: 8_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`);
const value = fc.oneof(
  fc.json({ maxDepth: 4 }),
  deep,
  fc.constantFrom('"info"', '"WARN"', '30', '"nonsense"', '4242', '"worker"', '3', 'null', '"1999-01-01T00:00:00.000Z"', '"\\u001b[2J\\r"'),
);
const space = fc.constantFrom('', ' ', '\t', '  ');
const objectText = fc.array(fc.tuple(key, value, space), { maxLength: 10 }).chain((entries) =>
  space.map((pad) => `{${pad}${entries.map(([k, v, s]) => `${JSON.stringify(k)}${s}:${s}${v}`).join(`${pad},`)}${pad}}`),
);

describe('any JSON object a child writes (property)', () => {
  it('comes out in json as one valid record of the contract that keeps every value the child wrote', () => {
    const format = createFormatter({ format: 'json', color: false }).forStream(tags, 'stdout');
    fc.assert(
      fc.property(objectText, (line) => {
        const text = format.text(line, WHOLE, NOW);
        assert.ok(text.endsWith('\n') && text.indexOf('\n') === text.length - 1);
        const out = JSON.parse(text) as Fields;
        assert.equal(out.timestamp, ISO);
        assert.ok(LEVELS.includes(out.level as string), String(out.level));
        assert.equal(typeof out.message, 'string');
        assert.deepEqual([out.component, out.instance, out.pid], [TAG_FIELDS.component, TAG_FIELDS.instance, TAG_FIELDS.pid]);
        // Every value of the child is still there, as written (a tag equal to crew's aside).
        const body = text.slice(0, -1);
        const outValues = (members(body) ?? []).map((m) => body.slice(m.valueStart, m.valueEnd));
        for (const m of members(line) ?? []) {
          const raw = line.slice(m.valueStart, m.valueEnd);
          const name = memberKey(line, m);
          const at = outValues.indexOf(raw);
          if (at !== -1) outValues.splice(at, 1);
          else if (name === 'message' && !raw.startsWith('"')) assert.equal(out.message, raw);
          else assert.ok(['component', 'instance', 'pid'].includes(name) || (name === 'level' && raw !== JSON.stringify(out.level)), `${name}: ${raw.slice(0, 80)} kept`);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('comes out in pretty as lines that each start with the prefix and hold no control character', () => {
    const format = createFormatter({ format: 'pretty', color: false, tagWidth: 9 }).forStream(tags, 'stdout');
    fc.assert(
      fc.property(objectText, (line) => {
        const text = format.text(line, WHOLE, NOW);
        assert.ok(text.endsWith('\n'));
        for (const row of text.slice(0, -1).split('\n')) {
          assert.match(row, /^\d\d:\d\d:\d\d\.\d{3} worker\.3 {2}\| /);
          assert.doesNotMatch(row, UNSAFE);
        }
      }),
      { numRuns: 400 },
    );
  });
});
