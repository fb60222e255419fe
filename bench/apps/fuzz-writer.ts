// What the relay fuzz benchmark's child writes: `total` random records, from a seed, each
// carrying its sequence marker (⟦n⟧ on stdout, ⟪n⟫ on stderr, so the reader can check that
// every record arrives once and in order). The records are what hostile or careless output
// looks like: text with control characters and terminal sequences, raw bytes that are not
// UTF-8, progress bars redrawn with "\r", CRLF endings, stack traces, JSON objects of every
// shape (duplicate keys, the contract's keys with values of any type, pino lines, tag fields,
// wide, nested a few levels or thousands deep), JSON that is not an object, lines over the
// 64 KiB limit. Written in ~64 KiB chunks as fast as the pipes take them.
import type { Writable } from 'node:stream';

export const STDOUT_MARK = ['⟦', '⟧'] as const;
export const STDERR_MARK = ['⟪', '⟫'] as const;

/** A small, fast, seeded generator (xorshift32): the same seed, the same records. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }

  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  int(n: number): number {
    return this.next() % n;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

const TEXT = [...'abcdefghij klmnop qrstuv wxyz 0123456789 "quotes" \\ {}[]:, é ü 😀 中文 '];
const NASTY = ['\x1b[2J', '\x1b]0;pwned\x07', '\r', '\x1b[1A\x1b[2K', '\x1b[31m', '\b', '\x00', '\x7f', '\u009b', '\u202e', '\t', '\x1e', '\x0b'];
const KEYS = ['timestamp', 'level', 'message', 'msg', 'component', 'instance', 'pid', 'stack', 'time', 'childLevel', 'user', 'id', 'a', '', 'ключ', 'key with spaces'];
const LEVEL_VALUES = ['"info"', '"warn"', '"ERROR"', '"fatal"', '"nonsense"', '30', '50', '-1', 'null', 'true', '"constructor"'];

function text(random: Random, max: number): string {
  let out = '';
  const n = random.int(max);
  for (let i = 0; i < n; i++) out += random.int(12) === 0 ? random.pick(NASTY) : random.pick(TEXT);
  return out;
}

function jsonString(random: Random): string {
  return JSON.stringify(text(random, 30));
}

function jsonValue(random: Random, depth: number): string {
  switch (random.int(depth > 3 ? 6 : 9)) {
    case 0:
      return String(random.int(1_000_000) - 500_000);
    case 1:
      return (random.next() / 7).toString();
    case 2:
      return random.pick(['true', 'false', 'null', '1e400', '-0', '"123"', '""']);
    case 3:
    case 4:
    case 5:
      return jsonString(random);
    case 6: {
      const items: string[] = [];
      for (let i = random.int(5); i > 0; i--) items.push(jsonValue(random, depth + 1));
      return `[${items.join(',')}]`;
    }
    default: {
      const members: string[] = [];
      for (let i = random.int(5); i > 0; i--) members.push(`${JSON.stringify(random.pick(KEYS))}:${jsonValue(random, depth + 1)}`);
      return `{${members.join(',')}}`;
    }
  }
}

/** One record, without its line end: text, or raw bytes that need not be UTF-8. */
export function record(random: Random, mark: string): string | Buffer {
  const kind = random.int(1000);
  if (kind < 300) return `${mark} ${text(random, 120)}`;
  if (kind < 600) {
    const members = [`"seq":"${mark}"`];
    for (let i = random.int(8); i > 0; i--) {
      const key = random.pick(KEYS);
      members.push(`${JSON.stringify(key)}:${key === 'level' ? random.pick(LEVEL_VALUES) : jsonValue(random, 0)}`);
    }
    return `{${members.join(random.pick([',', ' , ', ',\t']))}}`;
  }
  if (kind < 660) return `{"level":30,"time":${Date.now()},"pid":${random.int(3) === 0 ? process.pid : 1},"hostname":"box","msg":"${mark} pino"}`;
  if (kind < 720) return Buffer.concat([Buffer.from(mark), Buffer.from(Array.from({ length: random.int(80) }, () => random.int(256)).filter((b) => b !== 0x0a && b !== 0x0d && b !== 0xe2))]);
  if (kind < 780) return `\r${mark} ${random.int(100)}%\r${random.int(100)}%`;
  if (kind < 840) return `[${JSON.stringify(mark)},${jsonValue(random, 0)}]`;
  if (kind < 980) return `${mark} Error: ${text(random, 40)}\n    at f (/app/a.js:1:2)\n    at ${text(random, 20)}`;
  if (kind < 990) {
    const depth = 1000 + random.int(5000);
    return `{"seq":"${mark}","pid":1,"component":"x","deep":${'['.repeat(depth)}${']'.repeat(depth)}}`;
  }
  if (kind < 999) return `{"seq":"${mark}","wide":{${Array.from({ length: 100 + random.int(400) }, (_, i) => `"k${i}":${i}`).join(',')}}}`;
  return `${mark} ${'x'.repeat(64 * 1024 + random.int(100_000))}`;
}

const CHUNK_BYTES = 64 * 1024;
const LF = Buffer.from('\n');
const CRLF = Buffer.from('\r\n');

/** Writes `total` records, spread over stdout and stderr; resolves when both have taken them. */
export async function writeFuzz(stdout: Writable, stderr: Writable, total: number, seed: number): Promise<{ stdout: number; stderr: number }> {
  const random = new Random(seed);
  const counts = { stdout: 0, stderr: 0 };
  const pending: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
  const sizes = { stdout: 0, stderr: 0 };
  const streams = { stdout, stderr };
  const flush = async (name: 'stdout' | 'stderr'): Promise<void> => {
    const chunk = Buffer.concat(pending[name]);
    pending[name] = [];
    sizes[name] = 0;
    if (!streams[name].write(chunk)) await new Promise((resolve) => streams[name].once('drain', resolve));
  };
  for (let i = 0; i < total; i++) {
    const name = random.int(5) === 0 ? 'stderr' : 'stdout';
    const [open, close] = name === 'stdout' ? STDOUT_MARK : STDERR_MARK;
    const line = record(random, `${open}${counts[name]++}${close}`);
    const bytes = Buffer.concat([typeof line === 'string' ? Buffer.from(line) : line, random.int(10) === 0 ? CRLF : LF]);
    pending[name].push(bytes);
    sizes[name] += bytes.length;
    if (sizes[name] >= CHUNK_BYTES) await flush(name);
  }
  await flush('stdout');
  await flush('stderr');
  return counts;
}
