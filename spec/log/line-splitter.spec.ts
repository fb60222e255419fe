import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONTINUED, LineSplitter, PLAIN, WHOLE } from '../../lib/log/line-splitter.js';
import { split } from './support.js';

const texts = (pieces: Array<{ text: string }>): string[] => pieces.map((piece) => piece.text);

// The lines of a text, one character at a time: "\n" and "\r\n" end a line; so does a lone
// "\r", unless the line it ends is empty.
function lines(input: string): string[] {
  const out: string[] = [];
  let line = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i];
    if (c === '\n' || (c === '\r' && input[i + 1] === '\n')) {
      out.push(line);
      line = '';
      if (c === '\r') i++;
    } else if (c === '\r') {
      if (line.length > 0) out.push(line);
      line = '';
    } else {
      line += c;
    }
  }
  if (line.length > 0) out.push(line);
  return out;
}

describe('LineSplitter', () => {
  it('gives every line once, whatever the chunk boundaries', () => {
    const input = 'alpha\nbeta\n\ngamma delta\nlast\n';
    for (let cut = 0; cut <= input.length; cut++) {
      const pieces = split([input.slice(0, cut), input.slice(cut)]);
      assert.deepEqual(texts(pieces), ['alpha', 'beta', '', 'gamma delta', 'last'], `cut at ${cut}`);
      assert.ok(pieces.every((piece) => piece.part === WHOLE));
    }
  });

  it('keeps multi-byte characters whole when a chunk ends inside one', () => {
    const line = 'héllo wörld 😀 ✓ 中文';
    const bytes = Buffer.from(`${line}\nnext\n`);
    for (let cut = 0; cut <= bytes.length; cut++) {
      assert.deepEqual(texts(split([bytes.subarray(0, cut), bytes.subarray(cut)])), [line, 'next'], `cut at byte ${cut}`);
    }
    // One byte at a time, too.
    assert.deepEqual(texts(split([...bytes].map((b) => Buffer.from([b])))), [line, 'next']);
  });

  it('strips \\r\\n, also when the chunk ends between \\r and \\n', () => {
    assert.deepEqual(texts(split(['one\r\ntwo\r', '\nthree\r\n'])), ['one', 'two', 'three']);
    assert.deepEqual(texts(split(['\n\r', '\nx\n'])), ['', '', 'x'], 'an empty line ended by a \\r\\n cut in two');
  });

  it('ends a line at a lone \\r, at once, so a progress bar is not held until a newline', () => {
    assert.deepEqual(texts(split(['a\rb\n'])), ['a', 'b']);
    const splitter = new LineSplitter();
    const seen: string[] = [];
    const sink = (buf: Buffer, start: number, end: number): void => void seen.push(buf.toString('utf8', start, end));
    splitter.push(Buffer.from('\r 10%'), sink);
    splitter.push(Buffer.from('\r 20%'), sink);
    splitter.push(Buffer.from('\r 30%\r'), sink);
    assert.deepEqual(seen, [' 10%', ' 20%', ' 30%'], 'each redraw is a line as soon as it is complete; the \\r that starts one gives no empty line');
    splitter.push(Buffer.from('\ndone\n'), sink);
    splitter.end(sink);
    assert.deepEqual(seen, [' 10%', ' 20%', ' 30%', 'done'], 'a \\n after a \\r that ended a chunk completes that line');
  });

  it('flushes a partial last line at the end of the stream', () => {
    const splitter = new LineSplitter();
    const seen: string[] = [];
    const sink = (buf: Buffer, start: number, end: number): void => void seen.push(buf.toString('utf8', start, end));
    splitter.push(Buffer.from('first\nsecond wi'), sink);
    assert.deepEqual(seen, ['first'], 'the tail waits for more');
    splitter.push(Buffer.from('thout newline'), sink);
    assert.deepEqual(seen, ['first']);
    splitter.end(sink);
    assert.deepEqual(seen, ['first', 'second without newline']);
    assert.deepEqual(texts(split(['x\r'])), ['x'], 'a dangling \\r at the end is a line end');
    assert.deepEqual(texts(split(['done\n'])), ['done'], 'nothing more after a final newline');
    assert.deepEqual(texts(split([])), []);
  });

  it('splits an over-long line into marked pieces within the limit, losing no byte', () => {
    const line = `${'ab✓'.repeat(20)}😀${'z'.repeat(30)}`;
    const bytes = Buffer.from(`${line}\nshort\n`);
    for (const chunks of [[bytes], [...bytes].map((b) => Buffer.from([b])), [bytes.subarray(0, 37), bytes.subarray(37)]]) {
      const pieces = split(chunks, 16);
      const last = pieces.findIndex((piece) => piece.text === 'short');
      const parts = pieces.slice(0, last);
      assert.ok(parts.length > 1);
      assert.equal(parts.map((piece) => piece.text).join(''), line, 'the pieces add up to the line');
      for (const piece of parts) assert.ok(Buffer.byteLength(piece.text) <= 16, `piece ${JSON.stringify(piece.text)} within 16 bytes`);
      assert.ok(parts.slice(0, -1).every((piece) => piece.part === CONTINUED), 'all but the last are marked continued');
      assert.equal(parts.at(-1)?.part, PLAIN);
      assert.ok(!parts.some((piece) => piece.text.includes('\ufffd')), 'no character was cut in halves');
      assert.deepEqual(pieces.slice(last), [{ text: 'short', part: WHOLE }]);
    }
  });

  it('bounds a line that never ends, and flushes its rest at the end', () => {
    const splitter = new LineSplitter(64);
    const pieces: Array<[string, number]> = [];
    const sink = (buf: Buffer, start: number, end: number, part: number): void => void pieces.push([buf.toString('utf8', start, end), part]);
    let written = '';
    for (let i = 0; i < 100; i++) {
      const chunk = `${i % 10}`.repeat(7);
      written += chunk;
      splitter.push(Buffer.from(chunk), sink);
    }
    assert.ok(pieces.length >= 9, 'pieces were emitted before any newline');
    splitter.end(sink);
    assert.equal(pieces.map(([text]) => text).join(''), written);
    assert.ok(pieces.slice(0, -1).every(([, part]) => part === CONTINUED));
    assert.equal(pieces.at(-1)?.[1], PLAIN);
  });

  it('keeps a trailing \\r with the rest of a long line until the \\n arrives', () => {
    const pieces = split(['x'.repeat(20), '\r', '\nnext\n'], 8);
    assert.equal(pieces.slice(0, -1).map((piece) => piece.text).join(''), 'x'.repeat(20));
    assert.ok(pieces.every((piece) => piece.text.length > 0));
  });

  it('replaces invalid UTF-8 with U+FFFD, as a decoder would', () => {
    const bytes = Buffer.concat([Buffer.from('ok '), Buffer.from([0xff, 0xfe]), Buffer.from(' end\nnext\n')]);
    assert.deepEqual(texts(split([bytes])), ['ok \ufffd\ufffd end', 'next']);
    assert.deepEqual(texts(split([Buffer.from([0x61, 0xe2, 0x82])])), ['a\ufffd'], 'a character cut off by the end');
  });

  it('agrees with a plain split on random input in random chunks', () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const alphabet = ['a', 'b', ' ', '\t', '"', 'é', '😀', '\n', '\n', '\r\n', '\r'];
    for (let round = 0; round < 50; round++) {
      let input = '';
      for (let i = 0; i < 400; i++) input += alphabet[random(alphabet.length)];
      input += '\n';
      const bytes = Buffer.from(input);
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + random(40);
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      assert.deepEqual(texts(split(chunks)), lines(input), `round ${round}: ${JSON.stringify(input)}`);
    }
  });

  // The relay reads a child's pipe into one buffer it reads into again (lib/log/own-read-buffer.ts):
  // whatever the splitter keeps past a push must be its own copy.
  it('keeps nothing of a chunk past its push: the same input through one reused buffer splits the same', () => {
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const alphabet = ['a', 'b', ' ', 'é', '😀', '\n', '\n', '\r\n', '\r', 'x'.repeat(30)];
    for (let round = 0; round < 50; round++) {
      let input = '';
      for (let i = 0; i < 300; i++) input += alphabet[random(alphabet.length)];
      const bytes = Buffer.from(input);
      const reused = Buffer.alloc(64);
      const splitter = new LineSplitter(48);
      const pieces: string[] = [];
      const sink = (buf: Buffer, start: number, end: number): void => {
        pieces.push(buf.toString('utf8', start, end));
      };
      for (let at = 0; at < bytes.length; ) {
        const size = Math.min(1 + random(60), bytes.length - at);
        bytes.copy(reused, 0, at, at + size);
        splitter.push(reused.subarray(0, size), sink);
        // The next read overwrites the buffer.
        reused.fill(0x23);
        at += size;
      }
      splitter.end(sink);
      assert.deepEqual(pieces, texts(split([bytes], 48)), `round ${round}: ${JSON.stringify(input)}`);
    }
  });

  it('refuses a limit that cannot hold one character', () => {
    assert.throws(() => new LineSplitter(3), /at least 4 bytes.*got 3/);
    assert.throws(() => new LineSplitter(1.5), /got 1.5/);
  });
});
