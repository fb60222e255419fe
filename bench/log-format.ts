// Micro-benchmark of the log relay's hot path without I/O: split 64 KiB chunks of ~100-byte
// lines and format every line for stdout, in json and in pretty, the way relay.ts does.
// Run: npx tsc -p tsconfig.json && node dist/bench/log-format.js [lines]

import { ByteBuilder } from '../lib/log/byte-builder.js';
import { createFormatter, type LogFormat } from '../lib/log/formatter.js';
import { LineSplitter, type Part } from '../lib/log/line-splitter.js';

const total = Number(process.argv[2] ?? 1_000_000);
const CHUNK = 64 * 1024;

function makeChunks(): Buffer[] {
  const lines: string[] = [];
  for (let i = 0; i < total; i++) lines.push(`line ${String(i).padStart(8, '0')} ${'x'.repeat(85)}`);
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
  const started = process.hrtime.bigint();
  for (const chunk of chunks) {
    now = Date.now();
    splitter.push(chunk, sink);
    // What the Output hands to the OS: one buffer per chunk.
    bytesOut += out.take().length;
  }
  splitter.end(sink);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (count !== total) throw new Error(`expected ${total} lines, got ${count}`);
  return { linesPerSecond: Math.round(count / seconds), bytesOut };
}

// Five rounds of each, alternating; the first rounds include the JIT warming up.
const chunks = makeChunks();
const rounds: Record<LogFormat, number[]> = { json: [], pretty: [] };
let bytesPerLine: Record<LogFormat, number> = { json: 0, pretty: 0 };
for (let round = 0; round < 5; round++) {
  for (const format of ['json', 'pretty'] as const) {
    const { linesPerSecond, bytesOut } = run(format, chunks);
    rounds[format].push(linesPerSecond);
    bytesPerLine = { ...bytesPerLine, [format]: bytesOut / total };
  }
}
for (const format of ['json', 'pretty'] as const) {
  const sorted = [...rounds[format]].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  console.log(`${format.padEnd(6)} median ${median.toLocaleString('en')} lines/s (rounds: ${rounds[format].map((n) => n.toLocaleString('en')).join(', ')}; ${bytesPerLine[format].toFixed(0)} bytes/line out)`);
}
