// Micro-benchmark of the log relay's hot path without I/O: split 64 KiB chunks of ~100-byte
// lines and format every line for stdout, in json and in pretty, the way relay.ts does.
// `--escapes` makes one line in ten hold a control character (and a quote), so the cost of
// the lines a format must rewrite shows too; by default every line is plain ASCII, the case
// whose cost the escaping must not raise.
//
// Rates are lines per second of the process's CPU time (user and system), not of wall time:
// on a shared machine the wall clock counts the time other processes held the core, the CPU
// time much less so. Compare builds by alternating them and by the best round.
//
// node dist/bench/log-format.js [--lines 1000000] [--rounds 5] [--formats json,pretty] [--escapes]

import { parseArgs } from 'node:util';
import { ByteBuilder } from '../lib/log/byte-builder.js';
import { kernelReady } from '../lib/log/byte-scan.js';
import { createFormatter, type LogFormat } from '../lib/log/formatter.js';
import { LineSplitter, type Part } from '../lib/log/line-splitter.js';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '5' },
    formats: { type: 'string', default: 'json,pretty' },
    escapes: { type: 'boolean', default: false },
  },
});
const total = Number(values.lines);
const ROUNDS = Number(values.rounds);
const FORMATS = values.formats.split(',').map((format): LogFormat => {
  if (format !== 'json' && format !== 'pretty') throw new Error(`--formats: "${format}" is not a log format; use json, pretty or both (json,pretty)`);
  return format;
});
const CHUNK = 64 * 1024;

function makeChunks(): Buffer[] {
  const lines: string[] = [];
  for (let i = 0; i < total; i++) {
    const text = values.escapes && i % 10 === 0 ? `\x1b[1m"${'x'.repeat(80)}"\x1b[0m` : 'x'.repeat(85);
    lines.push(`line ${String(i).padStart(8, '0')} ${text}`);
  }
  const all = Buffer.from(`${lines.join('\n')}\n`);
  const chunks: Buffer[] = [];
  for (let at = 0; at < all.length; at += CHUNK) chunks.push(all.subarray(at, at + CHUNK));
  return chunks;
}

function run(format: LogFormat, chunks: Buffer[]): { linesPerSecond: number; bytesOut: number } {
  const formatter = createFormatter({ format, color: false, tagWidth: 11 });
  const stream = formatter.forStream({ component: 'worker', instance: 1, pid: 12345 }, 'stdout');
  const splitter = new LineSplitter();
  let count = 0;
  let bytesOut = 0;
  const out = new ByteBuilder();
  let now = 0;
  const sink = (buf: Buffer, start: number, end: number, part: Part): void => {
    stream.appendLine(out, buf, start, end, part, now);
    count++;
  };
  const started = process.cpuUsage();
  for (const chunk of chunks) {
    now = Date.now();
    splitter.push(chunk, sink);
    // What the Output hands to the OS: one buffer per chunk, released once written.
    const bytes = out.take();
    bytesOut += bytes.length;
    out.release(bytes);
  }
  splitter.end(sink);
  const used = process.cpuUsage(started);
  const seconds = (used.user + used.system) / 1e6;
  if (count !== total) throw new Error(`expected ${total} lines, got ${count}`);
  return { linesPerSecond: Math.round(count / seconds), bytesOut };
}

// The relay scans with the WebAssembly kernel once it has compiled, a few milliseconds after
// start-up; this benchmark runs without a pause, so it would otherwise time the fallback loop.
if (!(await kernelReady)) console.log('(no WebAssembly SIMD here: timing the fallback scan loop)');

// Rounds of each format, alternating; the first rounds include the JIT warming up.
const chunks = makeChunks();
const rounds: Record<LogFormat, number[]> = { json: [], pretty: [] };
const bytesPerLine: Record<LogFormat, number> = { json: 0, pretty: 0 };
for (let round = 0; round < ROUNDS; round++) {
  for (const format of FORMATS) {
    const { linesPerSecond, bytesOut } = run(format, chunks);
    rounds[format].push(linesPerSecond);
    bytesPerLine[format] = bytesOut / total;
  }
}
const n = (value: number): string => value.toLocaleString('en');
for (const format of FORMATS) {
  const sorted = [...rounds[format]].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  console.log(`${format.padEnd(6)} median ${n(median)} lines per CPU second, best ${n(sorted.at(-1) ?? 0)} (rounds: ${rounds[format].map(n).join(', ')}; ${bytesPerLine[format].toFixed(0)} bytes/line out${values.escapes ? ', one line in ten escaped' : ''})`);
}
