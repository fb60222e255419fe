// Log relay throughput: one child writes LINES numbered 100-byte lines through `crew start`
// to a pipe this benchmark reads, against two raw pipes in the same run: the same writer piped
// straight to `cat`, and the writer with lines as long as crew's output in that format (a json
// record of a 100-byte line is ~230 bytes: the fair baseline for what the primary must move),
// alternating direct, same-length and crew a few times, for the json and the pretty format.
// The length of crew's records of a flood line is read from its output and printed next to the
// baseline's: a baseline of another length (beyond the digits of a pid in json) fails the target.
//
// Every line that arrives is checked: each number exactly once, in order, whole (its full
// text, inside one record). Throughput is counted from the first flood line read to the last,
// so process start-up is left out on both sides. While crew relays, the primary's resident
// memory is sampled from /proc (VmRSS), and its peak (VmHWM) is read when the flood is done.
// The primary's CPU time over the same span (/proc utime + stime) gives its cost per million
// lines: what the relay costs, much less moved than throughput by a busy machine.
//
// node dist/bench/log-relay.js [--lines 1000000] [--rounds 3] [--formats json,pretty] [--node-arg=FLAG ...] [--crew PATH]
// (--crew: another build's dist/bin/crew.js, to compare two builds on the same machine.)
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Readable } from 'node:stream';
import { FLOOD_END, FLOOD_HEAD_LENGTH, FLOOD_LINE_LENGTH, floodLine, floodPad } from './apps/flood-writer.js';
import { createFormatter } from '../lib/log/formatter.js';
import { WHOLE } from '../lib/log/line-splitter.js';
import { benchApp, crewBin } from './lib/paths.js';
import { spawnGroup, stopGroup, killGroup, exited } from './lib/processes.js';
import { int, machine, median, ratio, verdict } from './lib/stats.js';
import { tempConfig } from './lib/temp-config.js';
import { runMain } from './lib/run-main.js';

type Format = 'json' | 'pretty';
/** direct: 100-byte lines through `cat`; same: lines as long as crew's output, through `cat`. */
type Mode = 'direct' | 'same' | Format;

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '3' },
    formats: { type: 'string', default: 'json,pretty' },
    'node-arg': { type: 'string', multiple: true, default: [] },
    crew: { type: 'string', default: crewBin },
  },
});
const LINES = Number(values.lines);
const ROUNDS = Number(values.rounds);
const FORMATS = values.formats.split(',').map((format): Format => {
  if (format !== 'json' && format !== 'pretty') throw new Error(`--formats: "${format}" is not a log format; use json, pretty or both (json,pretty)`);
  return format;
});
// Flags for the node that runs crew's primary (not its children), e.g. --node-arg=--max-semi-space-size=2.
const NODE_ARGS = values['node-arg'];
const RUN_TIMEOUT_MS = 120_000;
const RSS_SAMPLE_MS = 20;
const RSS_TARGET_MB = 100;
const CREW = values.crew;
// Against a raw pipe carrying lines as long as crew's output; and, reported for comparison
// with earlier figures, against the 100-byte lines the child writes.
const RATIO_TARGET = 0.8;
// Fully parse one relayed JSON record in this many: the cheap checks below cover every line,
// and parsing all of them would make this reader compete with crew for the 2 cores.
const PARSE_EVERY = 256;
const TAGGED = /^\d\d:\d\d:\d\d\.\d{3} (\S+) *\| /;

/** Checks every line of one run and times the flood. */
class FloodCheck {
  readonly seen = new Uint8Array(LINES);
  received = 0;
  duplicates = 0;
  outOfOrder = 0;
  malformed = 0;
  other = 0;
  firstAt = 0;
  lastAt = 0;
  ended = false;
  /** The length of the first flood line read, without its "\n" (latin1: one char a byte). */
  lineLength = 0;
  readonly examples: string[] = [];
  private last = -1;
  private count = 0;

  private readonly pad: string;

  /** `length`: the characters of a flood line (the direct modes write other lengths). */
  constructor(
    private readonly mode: Mode,
    private readonly length: number = FLOOD_LINE_LENGTH,
  ) {
    this.pad = floodPad(length);
  }

  line(line: string, now: number): void {
    const at = this.locate(line);
    if (at === -1) return;
    const n = Number(line.slice(at + 6, at + 14));
    if (!Number.isInteger(n) || n < 0 || n >= LINES || line.charCodeAt(at + 14) !== 32 || !line.startsWith(this.pad, at + FLOOD_HEAD_LENGTH)) {
      this.bad(line);
      return;
    }
    if (this.mode === 'json' && ++this.count % PARSE_EVERY === 0) this.deepCheck(line, n);
    if (this.seen[n] === 1) this.duplicates++;
    else {
      this.seen[n] = 1;
      this.received++;
    }
    if (n !== this.last + 1) this.outOfOrder++;
    this.last = n;
    if (this.firstAt === 0) {
      this.firstAt = now;
      this.lineLength = line.length;
    }
    this.lastAt = now;
  }

  get lost(): number {
    return LINES - this.received;
  }

  get linesPerSecond(): number {
    return this.lastAt > this.firstAt ? ((this.received - 1) * 1000) / (this.lastAt - this.firstAt) : Number.NaN;
  }

  // Where the flood text starts in the line, or -1 for a line that is not a flood line (then
  // it has been accounted for: the end mark, a record of crew's own, or a malformed line).
  private locate(line: string): number {
    if (this.mode === 'direct' || this.mode === 'same') {
      if (line.length === this.length && line.startsWith('flood ')) return 0;
      return this.notFlood(line === FLOOD_END, line, false);
    }
    if (this.mode === 'json') {
      const i = line.indexOf('"message":"flood ');
      if (i !== -1 && line.charCodeAt(i + 11 + FLOOD_LINE_LENGTH) === 34 && line.charCodeAt(0) === 123 && line.charCodeAt(line.length - 1) === 125) return i + 11;
      if (i !== -1) return this.notFlood(false, line, false);
      return this.notFlood(line.includes(`"message":"${FLOOD_END}"`), line, this.otherJson(line));
    }
    const i = line.indexOf('| flood ');
    if (i !== -1 && line.length === i + 2 + FLOOD_LINE_LENGTH && line.startsWith('flood.1 ', 13)) return i + 2;
    if (i !== -1) return this.notFlood(false, line, false);
    const tag = TAGGED.exec(line)?.[1];
    return this.notFlood(line.endsWith(`| ${FLOOD_END}`) && tag === 'flood.1', line, tag !== undefined && tag !== 'flood.1');
  }

  private notFlood(end: boolean, line: string, other: boolean): -1 {
    if (end) this.ended = true;
    else if (other) this.other++;
    else this.bad(line);
    return -1;
  }

  // A whole JSON record of another component (crew's own) is fine; anything else is a piece.
  private otherJson(line: string): boolean {
    try {
      const record = JSON.parse(line) as { component?: unknown };
      return record.component !== 'flood';
    } catch {
      // Not JSON at all: a split or merged line, which the caller counts as malformed.
      return false;
    }
  }

  private deepCheck(line: string, n: number): void {
    try {
      const record = JSON.parse(line) as Record<string, unknown>;
      if (record.message !== floodLine(n) || record.component !== 'flood' || record.instance !== 1 || typeof record.pid !== 'number' || typeof record.timestamp !== 'string') this.bad(line);
    } catch {
      // Looked whole but is not valid JSON: counted as malformed below.
      this.bad(line);
    }
  }

  private bad(line: string): void {
    this.malformed++;
    if (this.examples.length < 5) this.examples.push(line.slice(0, 200));
  }
}

interface RunResult {
  check: FloodCheck;
  wallMs: number;
  rssPeakMb?: number;
  rssSampledMb?: number;
  /** The primary's CPU seconds per million lines relayed, from the first flood line to the last. */
  cpuPerMillion?: number;
}

const TICKS_PER_SECOND = 100;

/** CPU time of process `pid` so far (user and system, all threads), in seconds. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "pid (comm) ": state is field 3, utime 14 and stime 15 (man 5 proc).
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch (error) {
    // The process is gone: nothing to measure.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ESRCH') return undefined;
    throw error;
  }
}

/** `onFirst` and `onEnd` run when the first flood line and the end mark arrive. */
function read(stream: Readable, check: FloodCheck, onFirst?: () => void, onEnd?: () => void): Promise<void> {
  let tail = '';
  // The text is ASCII but for crew's own records; latin1 is the cheapest decoding for the checks.
  stream.setEncoding('latin1');
  stream.on('data', (chunk: string) => {
    // What follows the end mark (crew's records as it stops) is not part of the flood.
    if (check.ended) return;
    const now = performance.now();
    const text = tail.length === 0 ? chunk : tail + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const first = check.firstAt === 0;
      check.line(text.slice(start, nl), now);
      if (first && check.firstAt !== 0) onFirst?.();
      if (check.ended) {
        onEnd?.();
        return;
      }
      start = nl + 1;
    }
    tail = text.slice(start);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${FLOOD_END}" within ${RUN_TIMEOUT_MS} ms; ${check.received} lines so far`)), RUN_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    stream.on('data', () => {
      if (check.ended) done();
    });
    stream.once('end', () => (check.ended ? done() : (clearTimeout(timer), reject(new Error(`the stream ended before "${FLOOD_END}"; ${check.received} lines arrived`)))));
  });
}

async function runDirect(mode: 'direct' | 'same', length: number): Promise<RunResult> {
  const check = new FloodCheck(mode, length);
  const started = performance.now();
  // A shell pipeline, so that this process never holds the writer's end of the pipe.
  const child = spawnGroup('/bin/sh', ['-c', '"$0" "$1" "$2" "$3" | cat', process.execPath, benchApp('flood-main'), String(LINES), String(length)], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await read(child.stdout!, check);
    const wallMs = performance.now() - started;
    await exited(child);
    return { check, wallMs };
  } finally {
    killGroup(child.pid!);
  }
}

function statusKb(pid: number, field: string): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch (error) {
    // The process is gone between two samples: there is nothing more to sample.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ESRCH') return undefined;
    throw error;
  }
}

async function runCrew(format: Format, cwd: string): Promise<RunResult> {
  const check = new FloodCheck(format);
  const env: NodeJS.ProcessEnv = { ...process.env, FLOOD_LINES: String(LINES), NO_COLOR: '1', NODE_ENV: 'production' };
  delete env.FORCE_COLOR;
  delete env.CREW_LOG_FORMAT;
  const started = performance.now();
  const child = spawnGroup(process.execPath, [...NODE_ARGS, CREW, 'start', '--app', benchApp('flood'), '--component', 'flood', '--log-format', format], { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = child.pid!;
  let sampled = 0;
  const sampler = setInterval(() => (sampled = Math.max(sampled, statusKb(pid, 'VmRSS') ?? 0)), RSS_SAMPLE_MS);
  let cpuAtFirst = Number.NaN;
  let cpuAtEnd = Number.NaN;
  try {
    await read(
      child.stdout!,
      check,
      () => (cpuAtFirst = cpuSeconds(pid) ?? Number.NaN),
      () => (cpuAtEnd = cpuSeconds(pid) ?? Number.NaN),
    );
    const wallMs = performance.now() - started;
    const peak = statusKb(pid, 'VmHWM') ?? Number.NaN;
    const cpuPerMillion = ((cpuAtEnd - cpuAtFirst) * 1e6) / check.received;
    clearInterval(sampler);
    // Keep reading what crew says while it stops, so it never waits on a full pipe.
    child.stdout!.resume();
    await stopGroup(child);
    return { check, wallMs, rssPeakMb: peak / 1024, rssSampledMb: sampled / 1024, cpuPerMillion };
  } finally {
    clearInterval(sampler);
    killGroup(pid);
  }
}

function describe(mode: Mode, result: RunResult): string {
  const { check } = result;
  const problems = check.lost + check.duplicates + check.outOfOrder + check.malformed;
  const memory =
    result.rssPeakMb === undefined ? '' : `, primary RSS peak ${result.rssPeakMb.toFixed(1)} MB (sampled max ${result.rssSampledMb!.toFixed(1)} MB), primary CPU ${result.cpuPerMillion!.toFixed(2)} s per million lines`;
  const faults = problems === 0 ? 'all lines whole, once, in order' : `lost ${check.lost}, duplicated ${check.duplicates}, out of order ${check.outOfOrder}, malformed ${check.malformed} ${JSON.stringify(check.examples)}`;
  return `  ${mode.padEnd(6)} ${int(check.linesPerSecond).padStart(10)} lines/s  (${(result.wallMs / 1000).toFixed(2)} s from spawn; ${faults}${memory})`;
}

// How long crew's record of one flood line is in `format`, without its "\n": the line length
// of the same-length baseline. The pid's digits may differ by one or two from the real run's.
function outputLength(format: Format): number {
  const formatter = createFormatter({ format, color: false, tagWidth: 'flood.1'.length });
  return formatter.forStream({ component: 'flood', instance: 1, pid: process.pid }, 'stdout').text(floodLine(0), WHOLE, Date.now()).length - 1;
}

async function main(): Promise<boolean> {
  const config = tempConfig('# log relay benchmark: defaults\n{}\n');
  let ok = true;
  try {
    console.log(`log relay throughput: ${int(LINES)} lines of 100 bytes, ${ROUNDS} rounds per format, ${machine(os.availableParallelism())}${NODE_ARGS.length > 0 ? `, primary run with node ${NODE_ARGS.join(' ')}` : ''}${CREW === crewBin ? '' : `, crew from ${CREW}`}`);
    const summary: string[] = [];
    for (const format of FORMATS) {
      const length = outputLength(format);
      console.log(`${format} (same-length baseline: ${length + 1}-byte lines):`);
      const direct: RunResult[] = [];
      const same: RunResult[] = [];
      const crew: RunResult[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const a = await runDirect('direct', FLOOD_LINE_LENGTH);
        direct.push(a);
        console.log(describe('direct', a));
        const b = await runDirect('same', length);
        same.push(b);
        console.log(describe('same', b));
        const c = await runCrew(format, config.dir);
        crew.push(c);
        console.log(describe(format, c));
      }
      const directRate = median(direct.map((r) => r.check.linesPerSecond));
      const sameRate = median(same.map((r) => r.check.linesPerSecond));
      const crewRate = median(crew.map((r) => r.check.linesPerSecond));
      const faults = [...direct, ...same, ...crew].reduce((sum, r) => sum + r.check.lost + r.check.duplicates + r.check.outOfOrder + r.check.malformed, 0);
      const rss = Math.max(...crew.map((r) => r.rssPeakMb ?? Number.NaN));
      const cpu = median(crew.map((r) => r.cpuPerMillion ?? Number.NaN));
      // The baseline is fair only if crew's records of the flood are as long as its lines (in
      // json give or take the digits of a pid, which the baseline's length cannot know).
      const crewLengths = [...new Set(crew.map((r) => r.check.lineLength + 1))];
      const fair = crewLengths.every((n) => Math.abs(n - (length + 1)) <= (format === 'json' ? 2 : 0));
      if (!fair) console.log(`  crew's records of a flood line were ${crewLengths.join(', ')} bytes long, the same-length baseline's lines ${length + 1}: the ratio is not like for like`);
      const pass = { ratio: fair && crewRate / sameRate >= RATIO_TARGET, faults: faults === 0, rss: rss <= RSS_TARGET_MB };
      ok &&= pass.ratio && pass.faults && pass.rss;
      summary.push(
        `${format.padEnd(6)} crew ${int(crewRate)} lines/s (${crewLengths.join(', ')}-byte lines); raw pipe, same length (${length + 1} bytes) ${int(sameRate)} lines/s: ${ratio(crewRate / sameRate)} (target ≥ ${RATIO_TARGET}×: ${verdict(pass.ratio)}); ` +
          `raw pipe, 100 bytes ${int(directRate)} lines/s: ${ratio(crewRate / directRate)}; ` +
          `lines lost/duplicated/out of order/split: ${faults} (target 0: ${verdict(pass.faults)}); primary peak RSS ${rss.toFixed(1)} MB (target ≤ ${RSS_TARGET_MB} MB: ${verdict(pass.rss)}); ` +
          `primary CPU ${cpu.toFixed(2)} s per million lines`,
      );
    }
    console.log('medians:');
    for (const line of summary) console.log(`  ${line}`);
  } finally {
    config.remove();
  }
  return ok;
}

runMain('log relay', main);
