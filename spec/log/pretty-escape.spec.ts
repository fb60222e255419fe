// Pretty output shows the control characters a child (or a client, through a child's log) wrote
// as escapes: nothing written can clear the screen, set the title, move the cursor, overwrite
// the prefix with a forged one, or reorder the line. crew's own colours stay.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { ByteBuilder } from '../../lib/log/byte-builder.js';
import { createCrewLogger } from '../../lib/log/crew-logger.js';
import { createFormatter, type Formatter } from '../../lib/log/formatter.js';
import { CONTINUED, PLAIN, WHOLE, type Part } from '../../lib/log/line-splitter.js';
import { Output } from '../../lib/log/output.js';
import { relayChild } from '../../lib/log/relay.js';
import type { Tags } from '../../lib/log/tags.js';
import { visible, visibleInline } from '../../lib/log/visible.js';
import { Capture } from './support.js';

const tags: Tags = { component: 'server', instance: 1, pid: 4242 };
const NOW = Date.UTC(2026, 11, 1, 8, 37, 31, 123);
// What a terminal acts on, tab aside; crew's own SGR sequences are taken out before the test.
// eslint-disable-next-line no-control-regex -- control characters are what it is about
const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex -- crew's own colours: ESC [ parameters m
const CREW_SGR = /\x1b\[[\d;]*m/g;

const PAYLOADS = [
  // Clears the screen, sets the window title, returns to the start of the line and forges a record.
  '\x1b[2J\x1b]0;pwned\x07\r13:37:00.000 crew | stopped (exit code 0)',
  // Erases the line above.
  'x\x1b[1A\x1b[2K',
  'back\bspace, bell\x07, vertical\x0btab, form\x0cfeed, nul\x00, del\x7f, shift\x0eout',
  'C1 CSI \u009b31m and NEL \u0085',
  'bidi \u202eoverride\u202c and \u2066isolate\u2069',
];

// Both ways a line may be rendered: from bytes (relaying) and as text.
function both(formatter: Formatter, line: string, part: Part = WHOLE): string {
  const stream = formatter.forStream(tags, 'stdout');
  const out = new ByteBuilder(64);
  const bytes = Buffer.from(`junk\n${line}\nmore`);
  stream.appendLine(out, bytes, 5, 5 + Buffer.byteLength(line), part, NOW);
  const viaBytes = out.take().toString('utf8');
  assert.equal(viaBytes, stream.text(line, part, NOW), 'relaying bytes and rendering text agree');
  return viaBytes;
}

function assertSafe(out: string, rows = 1): void {
  assert.ok(out.endsWith('\n'));
  const lines = out.slice(0, -1).split('\n');
  assert.equal(lines.length, rows, out);
  for (const row of lines) {
    const bare = row.replace(CREW_SGR, '');
    assert.match(bare, /^\d\d:\d\d:\d\d\.\d{3} server\.1 +\| /, 'every line starts with the prefix');
    assert.doesNotMatch(bare, UNSAFE, JSON.stringify(bare));
  }
}

describe('pretty output of what a child wrote', () => {
  it('shows control characters of a plain line as escapes, in every part of a line', () => {
    for (const color of [false, true]) {
      const formatter = createFormatter({ format: 'pretty', color, tagWidth: 9 });
      for (const payload of PAYLOADS) {
        for (const part of [WHOLE, CONTINUED, PLAIN]) assertSafe(both(formatter, payload, part));
      }
    }
  });

  it('reads as the bytes it holds', () => {
    const formatter = createFormatter({ format: 'pretty', color: false, tagWidth: 9 });
    const out = both(formatter, PAYLOADS[0]!);
    assert.equal(out.slice(out.indexOf('| ') + 2), '\\x1b[2J\\x1b]0;pwned\\x07\\r13:37:00.000 crew | stopped (exit code 0)\n');
    assert.equal(visible(PAYLOADS[1]!), 'x\\x1b[1A\\x1b[2K');
    assert.equal(visible(PAYLOADS[3]!), 'C1 CSI \\u009b31m and NEL \\u0085');
    assert.equal(visible(PAYLOADS[4]!), 'bidi \\u202eoverride\\u202c and \\u2066isolate\\u2069');
    assert.equal(visible('tab\tand\nnewline'), 'tab\tand\nnewline', 'tab and newline are kept where a record may span lines');
    assert.equal(visibleInline('tab\tand\nnewline'), 'tab\\tand\\nnewline');
    assert.equal(visible('plain ünïcødé 😀 “quotes” — ©'), 'plain ünïcødé 😀 “quotes” — ©', 'printable text is untouched');
  });

  it("escapes them in a JSON record's message, level, fields, keys and stack", () => {
    const formatter = createFormatter({ format: 'pretty', color: true, tagWidth: 9 });
    const payload = PAYLOADS[0]!;
    const record = { level: `warn${payload}`, message: payload, [`key${payload}`]: payload, n: { deep: payload }, stack: `Error: x\n    at ${payload}` };
    const out = both(formatter, JSON.stringify(record));
    assertSafe(out, 3);
    assert.ok(out.includes('\x1b['), "crew's own colours stay");
    // The stack is printed on the lines below, each line prefixed.
    assertSafe(both(formatter, JSON.stringify({ message: 'm', stack: `a\r\nb\x1b[2Kc\u202e` })), 3);
  });

  it('escapes them in a stderr stack trace grouped into one record', async () => {
    const capture = new Capture();
    const output = new Output(capture);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const done = relayChild({ stdout, stderr, tags, formatter: createFormatter({ format: 'pretty', color: false, tagWidth: 9 }), output });
    stderr.end(`Error: ${PAYLOADS[1]}\n    at ${PAYLOADS[0]}\n    at done\n`);
    stdout.end();
    await done;
    await output.flush();
    // The payload's lone "\r" ends a line there: what follows it is a line of its own, with
    // the child's prefix, so the forged "crew" record reads as the child's text.
    assertSafe(capture.text, 4);
    assert.match(capture.lines[2] ?? '', /^\d\d:\d\d:\d\d\.\d{3} server\.1 {2}\| 13:37:00\.000 crew \| stopped/);
  });

  it("escapes them in crew's own records, keeping crew's colours", async () => {
    const capture = new Capture();
    const output = new Output(capture);
    const logger = createCrewLogger({ output, formatter: createFormatter({ format: 'pretty', color: true, tagWidth: 9 }), level: 'info', pid: 1 });
    logger.error(`job failed: ${PAYLOADS[0]}`, { error: PAYLOADS[1] });
    await output.flush();
    const row = capture.text.slice(0, -1);
    assert.ok(row.includes('\x1b[1mcrew'), "crew's bold tag");
    const bare = row.replace(CREW_SGR, '');
    assert.match(bare, /^\d\d:\d\d:\d\d\.\d{3} crew +\| error: job failed: \\x1b\[2J/);
    assert.doesNotMatch(bare, UNSAFE);
  });
});
