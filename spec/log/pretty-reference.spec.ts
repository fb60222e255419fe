// The pretty format's fast road (a clean line's bytes copied with its own "\n" after a prefix
// built once per millisecond, escaping only where the scan flags a byte, JSON records read
// without re-serialising their values) against a reference written the plain way: decode each
// line, escape character by character, concatenate strings. Random and hostile child output is
// fed through the splitter and the byte builder in chunks cut anywhere, with small slabs and
// writes released at random, as the relay drives them; the bytes must be the reference's, byte
// for byte.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ByteBuilder } from '../../lib/log/byte-builder.js';
import { kernelReady } from '../../lib/log/byte-scan.js';
import { createFormatter } from '../../lib/log/formatter.js';
import { LineSplitter, type Part } from '../../lib/log/line-splitter.js';
import type { Tags } from '../../lib/log/tags.js';

const TAGS: Tags = { component: 'worker', instance: 3, pid: 4242 };
const WIDTH = 11;
const MAX_LINE = 512;

// ---- the reference: straightforward, sharing no code with lib/log's pretty road ----

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function refClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours(), 2)}:${pad(d.getMinutes(), 2)}:${pad(d.getSeconds(), 2)}.${pad(d.getMilliseconds(), 3)}`;
}

function refPrefix(ms: number, color: boolean): string {
  const tag = 'worker.3'.padEnd(WIDTH);
  if (!color) return `${refClock(ms)} ${tag} | `;
  return `\x1b[2m${refClock(ms)}\x1b[0m \x1b[38;5;28m${tag} |\x1b[0m `;
}

// What a terminal would act on, shown as an escape; `inline` escapes "\n" and tab too.
function refEscape(text: string, inline: boolean): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const control = code < 0x20 || (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
    const kept = !inline && (char === '\n' || char === '\t');
    if (!control || kept) out += char;
    else if (char === '\r') out += '\\r';
    else if (char === '\n') out += '\\n';
    else if (char === '\t') out += '\\t';
    else if (code < 0x80) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return out;
}

// Each line of a record's text carries the prefix.
function refLines(prefix: string, text: string): string {
  return text
    .split('\n')
    .map((row) => `${prefix}${row}\n`)
    .join('');
}

const LEVEL_COLOR: Record<string, string> = { error: '38;5;196', warn: '38;5;166', http: '2', verbose: '2', debug: '2', silly: '2' };

/** A JSON record the generator wrote (see `record` below), as pretty shows it. */
function refRecord(value: { level?: string; message: string; fields: Array<[string, unknown]> }, prefix: string, color: boolean): string {
  let text = '';
  const level = value.level ?? 'info';
  if (level !== 'info') text += color ? `\x1b[${LEVEL_COLOR[level]}m${level}\x1b[0m: ` : `${level}: `;
  text += refEscape(value.message, false);
  let fields = '';
  for (const [key, field] of value.fields) {
    const raw = JSON.stringify(field);
    // A string of one word, that JSON writes without escapes, is shown without its quotes.
    const word = typeof field === 'string' && field.length > 0 && raw === `"${field}"` && !/[\s"=\\]/.test(field);
    fields += ` ${refEscape(key, true)}=${refEscape(word ? field : raw, true)}`;
  }
  if (fields.length > 0) text += color ? `\x1b[2m${fields}\x1b[0m` : fields;
  return refLines(prefix, text);
}

// A plain line's bytes: decoded (bad bytes become U+FFFD), cut into pieces of at most
// MAX_LINE bytes at character boundaries, every piece but the last marked.
function refPlain(bytes: Buffer, prefix: string): string {
  if (bytes.length <= MAX_LINE) return `${prefix}${refEscape(bytes.toString('utf8'), false)}\n`;
  let out = '';
  let from = 0;
  while (bytes.length - from > MAX_LINE) {
    let cut = from + MAX_LINE;
    while ((bytes[cut]! & 0xc0) === 0x80) cut--;
    out += `${prefix}${refEscape(bytes.toString('utf8', from, cut), false)} ⏎\n`;
    from = cut;
  }
  return `${out}${prefix}${refEscape(bytes.toString('utf8', from), false)}\n`;
}

// ---- what a child may write ----

interface Line {
  /** The line's bytes, without its end. */
  bytes: Buffer;
  /** What pretty must show for it, given the prefix. */
  expect: (prefix: string, color: boolean) => string;
}

const hostileChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'Z', ' ', '{', '}', '"', '\\', '=', 'é', '€', '🙂', '\t', 'x') },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 0x1f }).filter((c) => c !== 0x0a && c !== 0x0d).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.constantFrom('\x7f', '\x85', '\x9b', '\u202a', '\u202e', '\u2066', '\u2069', '\u2028', '\ufeff') },
  { weight: 2, arbitrary: fc.constantFrom('\x1b[2J', '\x1b[H', '\x1b]0;title\x07', '\x1b[38;5;196m', '\x1b[0m', '\x1b[1A\x1b[K') },
);
const text = (maxLength: number) => fc.array(hostileChar, { maxLength }).map((chars) => chars.join(''));
// Mostly the plain text of real logs, which takes the copy road.
const plainText = (maxLength: number) => fc.string({ unit: fc.constantFrom('a', 'b', ' ', '-', ':', '0', '9', 'é'), maxLength });

// (A line that starts with "{" may be a JSON record: those are `recordLine`s.)
const plainLine: fc.Arbitrary<Line> = fc
  .oneof(plainText(120), text(120), plainText(3 * MAX_LINE), text(2 * MAX_LINE))
  .filter((value) => !value.startsWith('{'))
  .map((value) => {
    const bytes = Buffer.from(value);
    return { bytes, expect: (prefix) => refPlain(bytes, prefix) };
  });

// Bytes that are not UTF-8 (no "\n" or "\r" among them).
const invalidLine: fc.Arbitrary<Line> = fc
  .array(fc.oneof(fc.constantFrom(0xff, 0xfe, 0xc0, 0xc2, 0xe2, 0x80, 0x9b, 0xed, 0xa0, 0xf0, 0x1b), fc.integer({ min: 0x20, max: 0x7e })), { minLength: 1, maxLength: 200 })
  .map((values) => {
    const bytes = Buffer.from(values);
    return { bytes, expect: (prefix) => refPlain(bytes, prefix) };
  });

const RESERVED = new Set(['timestamp', 'level', 'message', 'msg', 'stack', 'component', 'instance', 'pid']);
const key = fc.oneof(fc.constantFrom('user', 'ms', 'a b', 'k=v', 'x\ty', 'esc\x1b[2J', '\u202e', 'é'), text(12)).filter((k) => k.length > 0 && !RESERVED.has(k) && !/^child[A-Z]/.test(k));
const deep = fc.integer({ min: 1, max: 400 }).map((depth) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { d: value } : [value];
  return value;
});
const fieldValue = fc.oneof(text(30), plainText(30), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 3 }), deep, plainText(MAX_LINE));

// A JSON record with distinct keys, none of the contract's: pretty shows level, message and fields.
const recordLine: fc.Arbitrary<Line> = fc
  .record({
    level: fc.option(fc.constantFrom('error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'), { nil: undefined }),
    message: fc.oneof(text(80), plainText(2 * MAX_LINE), text(40).map((t) => `${t}\n  at f (file.js:1:2)`)),
    fields: fc.uniqueArray(fc.tuple(key, fieldValue), { maxLength: 5, selector: ([k]) => k }),
  })
  .map((value): Line => {
    const object: Record<string, unknown> = {};
    if (value.level !== undefined) object.level = value.level;
    object.message = value.message;
    for (const [k, v] of value.fields) object[k] = v;
    const bytes = Buffer.from(JSON.stringify(object));
    // A record longer than the line limit is cut into pieces, shown as text.
    return { bytes, expect: (prefix, color) => (bytes.length > MAX_LINE ? refPlain(bytes, prefix) : refRecord(value, prefix, color)) };
  })
  // JSON text never holds a raw "\n" or "\r": every record stays one line.
  .filter((line) => line.bytes.indexOf(0x0a) === -1 && line.bytes.indexOf(0x0d) === -1);

// Short lines: many records per chunk, many chunk ends inside and right after a line.
const shortLine: fc.Arbitrary<Line> = fc
  .oneof(plainText(4), text(3))
  .filter((value) => !value.startsWith('{'))
  .map((value) => {
    const bytes = Buffer.from(value);
    return { bytes, expect: (prefix) => refPlain(bytes, prefix) };
  });

const anyLine = fc.oneof({ weight: 4, arbitrary: plainLine }, { weight: 3, arbitrary: shortLine }, { weight: 1, arbitrary: invalidLine }, { weight: 2, arbitrary: recordLine });

// ---- the fast road, driven as the relay drives it ----

function relayed(lines: Line[], ends: string[], cuts: number[], slab: number, takes: boolean[], color: boolean, now: number): string {
  const input = Buffer.concat(lines.flatMap((line, i) => [line.bytes, Buffer.from(ends[i % ends.length] ?? '\n')]));
  const stream = createFormatter({ format: 'pretty', color, tagWidth: WIDTH }).forStream(TAGS, 'stdout');
  const splitter = new LineSplitter(MAX_LINE);
  const out = new ByteBuilder(slab);
  const written: Buffer[] = [];
  // Writes not yet released, with a copy of what they held when taken.
  const held: Array<[Buffer, Buffer]> = [];
  const sink = (buf: Buffer, start: number, end: number, part: Part): void => stream.appendLine(out, buf, start, end, part, now);
  const points = [...new Set(cuts.map((cut) => cut % (input.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  let step = 0;
  for (const to of [...points, input.length]) {
    if (to <= from) continue;
    const chunk = Buffer.from(input.subarray(from, to));
    splitter.push(chunk, sink);
    // A write handed to the OS now, or held back a while (its bytes must stay untouched).
    const view = out.take();
    const copy = Buffer.from(view);
    written.push(copy);
    held.push([view, copy]);
    if (takes[step++ % takes.length] ?? true) {
      for (const [done, was] of held.splice(0)) {
        assert.ok(done.equals(was), 'a write not yet released was overwritten');
        out.release(done);
      }
    }
    from = to;
  }
  splitter.end(sink);
  written.push(Buffer.from(out.take()));
  for (const [view, was] of held) assert.ok(view.equals(was), 'a write not yet released was overwritten');
  return Buffer.concat(written).toString('utf8');
}

describe('pretty output against a plain reference (property)', () => {
  it('is byte for byte the reference for random and hostile lines, cut anywhere', async () => {
    await kernelReady;
    fc.assert(
      fc.property(
        fc.array(anyLine, { minLength: 1, maxLength: 40 }),
        fc.array(fc.constantFrom('\n', '\r\n'), { minLength: 1, maxLength: 4 }),
        fc.oneof(fc.array(fc.nat(40_000), { maxLength: 12 }), fc.array(fc.nat(600), { maxLength: 30 })),
        fc.constantFrom(64, 300, 2048, 4096, 1024 * 1024),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        (lines, ends, cuts, slab, takes, color, now) => {
          const prefix = refPrefix(now, color);
          const expected = lines.map((line) => line.expect(prefix, color)).join('');
          assert.equal(relayed(lines, ends, cuts, slab, takes, color, now), expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('is the reference for a flood of plain lines in 64 KiB chunks, the relay’s common case', async () => {
    await kernelReady;
    fc.assert(
      fc.property(fc.array(plainText(200), { minLength: 300, maxLength: 1500 }), fc.array(fc.nat(200_000), { maxLength: 6 }), (texts, cuts) => {
        const lines = texts.map((value) => ({ bytes: Buffer.from(value), expect: (prefix: string) => `${prefix}${value}\n` }));
        const now = Date.UTC(2026, 11, 1, 8, 37, 31, 123);
        assert.equal(relayed(lines, ['\n'], cuts, 1024 * 1024, [true], false, now), lines.map((line) => line.expect(refPrefix(now, false))).join(''));
      }),
      { numRuns: 60 },
    );
  });
});
