// Relay fuzz: a child writes random records (bench/apps/fuzz-writer.ts: control characters,
// terminal sequences, bytes that are not UTF-8, "\r" redraws, stack traces, JSON of every shape
// up to thousands deep, lines over 64 KiB) on its stdout and stderr through a real
// `crew start`, once in json and once in pretty with a log file. Every line crew prints is
// checked: json, a JSON record of the contract (ISO timestamp, one of crew's levels, a string
// message, the tags); pretty, the `HH:MM:SS.mmm tag | ` prefix and no character a terminal
// acts on; the log file, json records. Every record must arrive once and in order (its
// sequence marker), and the primary must run to the end and stop cleanly (exit 0).
// Targets: 0 primary crashes, 0 invalid lines, 0 records lost, repeated or out of order;
// reported: records relayed per second.
//
// node dist/bench/log-fuzz.js [--records 500000] (per format) [--seed 1] [--crew PATH]
// (--crew: another build's dist/bin/crew.js.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { FUZZ_END } from './apps/fuzz.js';
import { benchApp, crewBin } from './lib/paths.js';
import { exited, killGroup, spawnGroup, stopGroup } from './lib/processes.js';
import { int, machine, verdict } from './lib/stats.js';
import { tempConfig } from './lib/temp-config.js';
import { runMain } from './lib/run-main.js';

const { values } = parseArgs({ options: { records: { type: 'string', default: '500000' }, seed: { type: 'string', default: '1' }, crew: { type: 'string', default: crewBin } } });
const RECORDS = Number(values.records);
const SEED = Number(values.seed);
const RUN_TIMEOUT_MS = 600_000;
const LEVELS = new Set(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']);
// eslint-disable-next-line no-control-regex -- control characters are what is checked for
const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
const PRETTY = /^\d\d:\d\d:\d\d\.\d{3} (\S+) +\| /;
const MARKERS = /⟦(\d+)⟧|⟪(\d+)⟫/g;

type Format = 'json' | 'pretty';

/** Checks lines of one output (crew's stdout, or the log file) as they come. */
class Checker {
  lines = 0;
  invalid = 0;
  readonly examples: string[] = [];
  // The next sequence number expected on each of the child's streams, and the faults.
  private readonly next = [0, 0];
  outOfOrder = 0;

  constructor(
    private readonly format: Format,
    private readonly pid: () => number | undefined,
  ) {}

  line(line: string): void {
    this.lines++;
    const problem = this.format === 'json' ? this.json(line) : this.pretty(line);
    if (problem !== undefined) this.bad(`${problem}: ${line}`);
    for (const match of line.matchAll(MARKERS)) {
      const stream = match[1] === undefined ? 1 : 0;
      const n = Number(match[1] ?? match[2]);
      if (n !== this.next[stream]) this.outOfOrder++;
      this.next[stream] = n + 1;
    }
  }

  /** How many records of each stream arrived (the highest in order, plus one). */
  get seen(): [number, number] {
    return [this.next[0]!, this.next[1]!];
  }

  private json(line: string): string | undefined {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      // Counted as invalid by the caller.
      return 'not JSON';
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) return 'not an object';
    if (typeof record.timestamp !== 'string' || Number.isNaN(Date.parse(record.timestamp))) return 'no ISO timestamp';
    if (!LEVELS.has(record.level as string)) return 'no level of crew';
    if (typeof record.message !== 'string') return 'no string message';
    if (record.component === 'fuzz' ? record.instance !== 1 || record.pid !== this.pid() : record.component !== 'crew') return 'wrong tags';
    return undefined;
  }

  private pretty(line: string): string | undefined {
    const tag = PRETTY.exec(line)?.[1];
    if (tag !== 'fuzz.1' && tag !== 'crew') return 'no prefix';
    if (UNSAFE.test(line)) return 'a control character';
    return undefined;
  }

  private bad(example: string): void {
    this.invalid++;
    if (this.examples.length < 5) this.examples.push(example.slice(0, 300));
  }
}

interface RunResult {
  format: Format;
  checker: Checker;
  file?: Checker;
  written: [number, number];
  seconds: number;
  exit: number | null;
  early: boolean;
  stderr: string;
}

function readLines(stream: Readable, onLine: (line: string) => void): Promise<void> {
  let tail = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const text = tail + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      onLine(text.slice(start, nl));
      start = nl + 1;
    }
    tail = text.slice(start);
  });
  return new Promise((resolve) => stream.once('end', () => resolve()));
}

async function run(format: Format): Promise<RunResult> {
  const logFile = format === 'pretty' ? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crew-fuzz-')), 'crew.log') : undefined;
  const config = tempConfig(logFile === undefined ? '{}\n' : `log:\n  transports:\n    - { type: file, filename: ${JSON.stringify(logFile)} }\n`);
  const env: NodeJS.ProcessEnv = { ...process.env, FUZZ_RECORDS: String(RECORDS), FUZZ_SEED: String(SEED), NO_COLOR: '1', NODE_ENV: 'production' };
  delete env.FORCE_COLOR;
  delete env.CREW_LOG_FORMAT;
  const child = spawnGroup(process.execPath, [values.crew, 'start', '--app', benchApp('fuzz'), '--component', 'fuzz', '--log-format', format], { cwd: config.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let fuzzPid: number | undefined;
  const checker = new Checker(format, () => fuzzPid);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let firstAt = 0;
  let endAt = 0;
  let written: [number, number] = [0, 0];
  let stopping = false;
  let early = false;
  const ended = new Promise<void>((resolve) => {
    void readLines(child.stdout!, (line) => {
      if (fuzzPid === undefined) fuzzPid = Number(/fuzz\.1 started \(pid (\d+)\)/.exec(line)?.[1]) || undefined;
      if (firstAt === 0 && /[⟦⟪]0[⟧⟫]/.test(line)) firstAt = performance.now();
      const end = line.indexOf(FUZZ_END);
      if (end !== -1 && endAt === 0) {
        endAt = performance.now();
        const [, out, err] = /fuzz-end (\d+) (\d+)/.exec(line) ?? [];
        written = [Number(out), Number(err)];
        resolve();
      }
      checker.line(line);
    });
  });
  const timer = setTimeout(() => killGroup(child.pid!), RUN_TIMEOUT_MS);
  try {
    const gone = exited(child).then(() => {
      if (!stopping) early = true;
    });
    await Promise.race([ended, gone]);
    stopping = true;
    // The relay finishes both of the child's streams before crew's record of its exit.
    if (!early) await stopGroup(child);
    await gone;
    let file: Checker | undefined;
    if (logFile !== undefined && fs.existsSync(logFile)) {
      file = new Checker('json', () => fuzzPid);
      for (const line of fs.readFileSync(logFile, 'utf8').split('\n').slice(0, -1)) file.line(line);
    }
    return { format, checker, file, written, seconds: (endAt - firstAt) / 1000, exit: child.exitCode, early, stderr };
  } finally {
    clearTimeout(timer);
    killGroup(child.pid!);
    config.remove();
    if (logFile !== undefined) fs.rmSync(path.dirname(logFile), { recursive: true, force: true });
  }
}

async function main(): Promise<boolean> {
  console.log(`relay fuzz: ${int(RECORDS)} random records per format (seed ${SEED}), json and pretty with a log file, ${machine(os.availableParallelism())}`);
  let ok = true;
  let total = 0;
  let totalSeconds = 0;
  for (const format of ['json', 'pretty'] as const) {
    const result = await run(format);
    const outputs = [result.checker, ...(result.file === undefined ? [] : [result.file])];
    const invalid = outputs.reduce((sum, c) => sum + c.invalid, 0);
    const outOfOrder = outputs.reduce((sum, c) => sum + c.outOfOrder, 0);
    const lost = outputs.reduce((sum, c) => sum + (result.written[0] - c.seen[0]) + (result.written[1] - c.seen[1]), 0);
    const crashed = result.early || result.exit !== 0 || /RangeError|TypeError|could not be formatted/.test(result.stderr);
    const records = result.written[0] + result.written[1];
    const pass = !crashed && invalid === 0 && outOfOrder === 0 && lost === 0 && records === RECORDS;
    ok &&= pass;
    total += records;
    totalSeconds += result.seconds;
    console.log(
      `  ${format.padEnd(6)} ${int(records)} records (${int(result.written[0])} stdout, ${int(result.written[1])} stderr) in ${result.seconds.toFixed(1)} s: ${int(records / result.seconds)} records/s; ` +
        `${int(result.checker.lines)} lines out${result.file === undefined ? '' : `, ${int(result.file.lines)} in the log file`}; invalid ${invalid}, lost ${lost}, out of order ${outOfOrder}; ` +
        `primary ${crashed ? `CRASHED (exit ${result.exit}${result.early ? ', before the end' : ''})` : 'ran to the end, exit 0'}: ${verdict(pass)}`,
    );
    for (const example of outputs.flatMap((c) => c.examples)) console.log(`    ${JSON.stringify(example)}`);
    if (result.stderr.trim() !== '') console.log(`    crew's stderr: ${result.stderr.trim().slice(0, 500)}`);
  }
  console.log(`total: ${int(total)} records, ${int(total / totalSeconds)} records/s; targets: 0 crashes, 0 invalid lines, 0 lost or out of order: ${verdict(ok)}`);
  return ok;
}

runMain('relay fuzz', main);
