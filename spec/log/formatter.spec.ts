import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteBuilder } from '../../lib/log/byte-builder.js';
import { CONTINUED_MARK, createFormatter, type Formatter, type StreamName } from '../../lib/log/formatter.js';
import { CONTINUED, PLAIN, WHOLE, type Part } from '../../lib/log/line-splitter.js';
import { tagText, tagWidth, type Tags } from '../../lib/log/tags.js';

const server: Tags = { component: 'server', instance: 1, pid: 4242 };
const NOW = Date.UTC(2026, 11, 1, 8, 37, 31, 123);
const ISO = '2026-12-01T08:37:31.123Z';
const PRETTY = /^(\d\d):(\d\d):(\d\d)\.(\d{3}) (.+?) \| (.*)$/;

function line(formatter: Formatter, text: string, stream: StreamName = 'stdout', part: Part = WHOLE, tags: Tags = server): string {
  return formatter.forStream(tags, stream).text(text, part, NOW);
}

function json(text: string, stream: StreamName = 'stdout', part: Part = WHOLE): Record<string, unknown> {
  const out = line(createFormatter({ format: 'json', color: false }), text, stream, part);
  assert.ok(out.endsWith('\n') && out.indexOf('\n') === out.length - 1, `one line: ${out}`);
  return JSON.parse(out) as Record<string, unknown>;
}

// The byte path (relaying) and the text path must render a line the same way.
function viaBytes(formatter: Formatter, text: string, stream: StreamName = 'stdout', part: Part = WHOLE): string {
  const out = new ByteBuilder(64);
  const bytes = Buffer.from(`junk\n${text}\nmore`);
  formatter.forStream(server, stream).appendLine(out, bytes, 5, 5 + Buffer.byteLength(text), part, NOW);
  return out.take().toString('utf8');
}

describe('tags', () => {
  it('names children component.instance and crew just crew', () => {
    assert.equal(tagText(server), 'server.1');
    assert.equal(tagText({ component: 'worker', instance: 12 }), 'worker.12');
    assert.equal(tagText({ component: 'crew', instance: 0 }), 'crew');
    assert.equal(tagWidth([{ component: 'server', instance: 1 }, { component: 'scheduler', instance: 1 }]), 'scheduler.1'.length);
    assert.equal(tagWidth([]), 4, 'crew itself always takes part');
  });
});

describe('json format', () => {
  it('turns a plain stdout line into a record with the tags', () => {
    assert.deepEqual(json('hello "world"'), {
      timestamp: ISO,
      level: 'info',
      message: 'hello "world"',
      stream: 'stdout',
      component: 'server',
      instance: 1,
      pid: 4242,
    });
  });

  it('gives stderr lines level error and stream stderr', () => {
    const record = json('something broke', 'stderr');
    assert.equal(record.level, 'error');
    assert.equal(record.stream, 'stderr');
    assert.equal(record.message, 'something broke');
  });

  it("keeps the fields of a JSON line, adding the tags and filling what is missing; the time is crew's", () => {
    assert.deepEqual(json('{"level":"warn","message":"disk","free":12,"nested":{"a":[1,2]},"timestamp":"2020-01-01T00:00:00.000Z"}'), {
      level: 'warn',
      message: 'disk',
      free: 12,
      nested: { a: [1, 2] },
      timestamp: ISO,
      childTimestamp: '2020-01-01T00:00:00.000Z',
      component: 'server',
      instance: 1,
      pid: 4242,
    });
    assert.deepEqual(json('{"user":"ann"}'), { timestamp: ISO, level: 'info', message: '', user: 'ann', component: 'server', instance: 1, pid: 4242 });
    assert.deepEqual(json('{"user":"ann"}', 'stderr').level, 'error');
    assert.deepEqual(json('{}  '), { timestamp: ISO, level: 'info', message: '', component: 'server', instance: 1, pid: 4242 });
  });

  it("overrides a JSON line's own tag fields, keeping the values that differ under other names", () => {
    const record = json('{"message":"hi","component":"fake","pid":1,"instance":1,"extra":true}');
    assert.equal(record.component, 'server');
    assert.equal(record.instance, 1);
    assert.equal(record.pid, 4242);
    assert.equal(record.extra, true);
    assert.equal(record.message, 'hi');
    assert.equal(record.childComponent, 'fake');
    assert.equal(record.childPid, 1);
    assert.equal(record.childInstance, undefined, 'an equal value is the same fact, not repeated');
  });

  it('treats what only looks like JSON as plain text', () => {
    for (const text of ['{not json}', '{"a":1', '[1,2]', '{"a":1} trailing']) {
      const record = json(text);
      assert.equal(record.message, text);
      assert.equal(record.stream, 'stdout');
    }
  });

  it('marks every piece of a split line but the last as continued', () => {
    assert.equal(json('part one', 'stdout', CONTINUED).continued, true);
    assert.equal(json('end', 'stdout', PLAIN).continued, undefined);
    assert.equal(json('{"a":1}', 'stdout', PLAIN).message, '{"a":1}', 'a piece is never parsed');
  });

  it('renders the same bytes when relaying as when given text, escaping where needed', () => {
    const formatter = createFormatter({ format: 'json', color: false });
    for (const text of ['plain', '', 'quote " and \\ backslash', 'tab\there', '\x1b[31mred\x1b[0m', 'ünïcødé 😀', '{"level":"debug","message":"x"}', 'nul\x00byte']) {
      for (const part of [WHOLE, CONTINUED, PLAIN]) {
        for (const stream of ['stdout', 'stderr'] as const) {
          const bytes = viaBytes(formatter, text, stream, part);
          assert.equal(bytes, line(formatter, text, stream, part), JSON.stringify(text));
          const record = JSON.parse(bytes) as { message: string };
          if (part !== WHOLE || !text.startsWith('{')) assert.equal(record.message, text);
        }
      }
    }
  });
});

describe('pretty format', () => {
  it('prints HH:MM:SS.mmm, the padded tag, a bar and the text', () => {
    const formatter = createFormatter({ format: 'pretty', color: false, tagWidth: 11 });
    const out = line(formatter, 'listening on :3000');
    assert.ok(out.endsWith('\n'));
    const match = PRETTY.exec(out.slice(0, -1));
    assert.ok(match, out);
    const local = new Date(NOW);
    assert.deepEqual(match.slice(1, 5).map(Number), [local.getHours(), local.getMinutes(), local.getSeconds(), local.getMilliseconds()]);
    assert.equal(match[5], 'server.1   ');
    assert.equal(match[6], 'listening on :3000');
    const crew = formatter.record({ component: 'crew', instance: 0, pid: 1 }, 'info', 'started', undefined, NOW);
    assert.equal(crew.indexOf('|'), out.indexOf('|'), 'every tag is padded to one width');
    assert.equal(PRETTY.exec(crew.slice(0, -1))?.[5], 'crew       ');
  });

  it('changes the pad width when told to', () => {
    const formatter = createFormatter({ format: 'pretty', color: false });
    const stream = formatter.forStream(server, 'stdout');
    assert.equal(PRETTY.exec(stream.text('a', WHOLE, NOW).slice(0, -1))?.[5], 'server.1');
    formatter.setTagWidth(12);
    assert.equal(formatter.tagWidth, 12);
    assert.equal(PRETTY.exec(stream.text('a', WHOLE, NOW).slice(0, -1))?.[5], 'server.1    ');
    assert.throws(() => formatter.setTagWidth(-1), /tag width/);
  });

  it('colours the tag per component only when colour is on', () => {
    const plain = line(createFormatter({ format: 'pretty', color: false }), 'x');
    assert.ok(!plain.includes('\x1b['));
    const colored = createFormatter({ format: 'pretty', color: true });
    const a = line(colored, 'x');
    const b = line(colored, 'x', 'stdout', WHOLE, { component: 'worker', instance: 1, pid: 1 });
    assert.ok(a.endsWith('\x1b[38;5;31mserver.1 |\x1b[0m x\n'), JSON.stringify(a));
    assert.ok(/^.\[2m\d\d:\d\d:\d\d\.\d{3}.\[0m /.test(a) && a.startsWith('\x1b[2m'), 'the time is dimmed');
    assert.ok(b.endsWith('\x1b[38;5;28mworker.1 |\x1b[0m x\n'), JSON.stringify(b));
  });

  it('renders a JSON line as its message, the level when not info, and the fields', () => {
    const formatter = createFormatter({ format: 'pretty', color: false });
    const text = (out: string): string => PRETTY.exec(out.split('\n')[0] ?? '')?.[6] ?? '';
    assert.equal(text(line(formatter, '{"level":"info","message":"GET /","status":200,"ms":3.5,"path":"/a b"}')), 'GET / status=200 ms=3.5 path="/a b"');
    assert.equal(text(line(formatter, '{"level":"warn","message":"slow","timestamp":"x","pid":4242}')), 'warn: slow', 'the time and a tag equal to crew\'s are not repeated');
    assert.equal(text(line(formatter, '{"level":"warn","message":"slow","pid":9}')), 'warn: slow childPid=9');
    assert.equal(text(line(formatter, '{"level":30,"time":1,"msg":"pino"}')), 'pino time=1');
    assert.equal(text(line(formatter, '{"level":"nonsense","message":{"a":1}}')), '{"a":1} childLevel=nonsense');
    assert.equal(text(line(formatter, '{"message":"no level"}', 'stderr')), 'error: no level');
    const withStack = line(formatter, JSON.stringify({ level: 'error', message: 'boom', stack: 'Error: boom\n    at f (a.js:1:1)' }));
    const rows = withStack.slice(0, -1).split('\n');
    assert.deepEqual(rows.map((row) => PRETTY.exec(row)?.[6]), ['error: boom', 'Error: boom', '    at f (a.js:1:1)'], 'each line of the stack has its own prefix');
  });

  it('marks a continued piece with a trailing ⏎ and prefixes every line of a grouped record', () => {
    const formatter = createFormatter({ format: 'pretty', color: false });
    assert.ok(line(formatter, 'piece', 'stdout', CONTINUED).endsWith(`| piece${CONTINUED_MARK}\n`));
    assert.ok(line(formatter, 'end', 'stdout', PLAIN).endsWith('| end\n'));
    const rows = line(formatter, 'Error: x\n    at a', 'stderr', PLAIN).slice(0, -1).split('\n');
    assert.equal(rows.length, 2);
    assert.ok(rows.every((row) => PRETTY.test(row)));
  });

  it('renders the same bytes when relaying as when given text', () => {
    for (const color of [false, true]) {
      const formatter = createFormatter({ format: 'pretty', color, tagWidth: 9 });
      for (const text of ['plain', '', 'tab\tand "quotes"', '{"level":"warn","message":"x","n":1}', '😀']) {
        for (const part of [WHOLE, CONTINUED, PLAIN]) assert.equal(viaBytes(formatter, text, 'stdout', part), line(formatter, text, 'stdout', part));
      }
    }
  });
});

describe('records of crew itself', () => {
  const crew: Tags = { component: 'crew', instance: 0, pid: 77 };

  it('carry level, message, fields and the crew tags in json', () => {
    const formatter = createFormatter({ format: 'json', color: false });
    const error = new Error('kaput');
    const record = JSON.parse(formatter.record(crew, 'warn', 'server.1 exited', { code: 1, component: 'nope', error, big: 10n }, NOW)) as Record<string, unknown>;
    assert.equal(record.timestamp, ISO);
    assert.equal(record.level, 'warn');
    assert.equal(record.message, 'server.1 exited');
    assert.equal(record.code, 1);
    assert.equal(record.component, 'crew', 'fields cannot override the tags');
    assert.equal(record.instance, 0);
    assert.equal(record.pid, 77);
    assert.equal(record.big, '10');
    assert.deepEqual((record.error as { message: string }).message, 'kaput');
    assert.match((record.error as { stack: string }).stack, /at /);
  });

  it('survive fields that cannot be serialised, each said so in its place', () => {
    const formatter = createFormatter({ format: 'json', color: false });
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    let deep: unknown[] = [];
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const hostile = Object.defineProperty({ ok: 1 }, 'trap', { enumerable: true, get: () => { throw new Error('no reading me'); } });
    const record = JSON.parse(formatter.record(crew, 'info', 'x', { cycle, deep, ok: true, hostile, toJson: { toJSON: () => { throw new Error('nope'); } } }, NOW)) as Record<string, unknown>;
    assert.equal(record.message, 'x');
    assert.equal(record.ok, true, 'the other fields are kept');
    assert.match(String(record.cycle), /^\[unserializable: .*circular/i);
    assert.match(String(record.deep), /^\[unserializable: Maximum call stack/);
    assert.match(String(record.hostile), /^\[unserializable: no reading me\]$/);
    assert.equal(record.toJson, '[unserializable: nope]');
    for (const format of ['json', 'pretty'] as const) {
      const out = createFormatter({ format, color: false }).record(crew, 'info', 'y', { cycle, deep, hostile }, NOW);
      assert.ok(out.endsWith('\n') && out.indexOf('\n') === out.length - 1, out);
    }
  });

  it('read `crew | message key=value` in pretty', () => {
    const formatter = createFormatter({ format: 'pretty', color: false });
    const out = formatter.record(crew, 'info', 'worker.1 ready in 120 ms', { child: 'worker.1', ms: 120 }, NOW);
    assert.equal(PRETTY.exec(out.slice(0, -1))?.[6], 'worker.1 ready in 120 ms child=worker.1 ms=120');
    assert.equal(PRETTY.exec(out.slice(0, -1))?.[5], 'crew');
  });
});

describe('createFormatter', () => {
  it('refuses an unknown format', () => {
    assert.throws(() => createFormatter({ format: 'xml' as 'json', color: false }), /"json" or "pretty", got "xml"/);
  });
});
