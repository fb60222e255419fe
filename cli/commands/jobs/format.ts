// How the operator's job commands print for people: a table of jobs, one job in full, and the
// lines that say what a listing leaves out. `--json` prints the answers as they are instead.
import type { JobDetail, JobList, ListedJob, Refusal } from '../../../lib/queue/admin.js';

/** An ISO time as local wall-clock time, `2025-01-02 10:11:12`; `-` for none. */
export function localTime(iso: string | null): string {
  if (iso === null) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '-';
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

const attempts = (job: ListedJob) => (job.maxAttempts === null ? String(job.attempts) : `${job.attempts}/${job.maxAttempts}`);

/** A delayed job's time is when it is due; the others', when they ended. */
const when = (job: ListedJob) => (job.state === 'delayed' ? `due ${localTime(job.runAt)}` : localTime(job.finished));

function shorten(text: string, longest: number): string {
  return text.length > longest ? `${text.slice(0, longest - 1)}…` : text;
}

export function formatList(list: JobList, state: string | undefined): string {
  const out: string[] = [];
  if (list.jobs.length === 0) out.push(`no ${state ?? ''}${state ? ' ' : ''}jobs`);
  else {
    const header = ['ID', 'STATE', 'ATTEMPTS', 'CREATED', 'FINISHED', 'ERROR'];
    const rows = list.jobs.map((job) => [job.id, job.state, attempts(job), localTime(job.created), when(job), shorten(job.error ?? '', 80)]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
    out.push(line(header), ...rows.map(line));
  }
  if (list.jobs.length < list.total) out.push(`(showing ${list.jobs.length} of ${list.total}: raise --limit, or narrow with --state and --job)`);
  const dropped = Object.entries(list.dropped);
  if (dropped.length > 0 && (state === undefined || state === 'failed')) {
    out.push(`(older failed jobs were dropped: queue.keepFailed keeps the newest ${list.keep.failed} per job; dropped so far: ${dropped.map(([job, n]) => `${job} ${n}`).join(', ')})`);
  }
  if (state === 'succeeded') out.push(`(queue.keepSucceeded keeps the newest ${list.keep.succeeded} succeeded jobs per job; \`crew jobs stats\` counts them all)`);
  return `${out.join('\n')}\n`;
}

export function formatDetail(job: JobDetail): string {
  const out = [`${job.id}  ${job.state}${job.maxAttempts === null ? '' : `  (attempt ${job.attempts} of ${job.maxAttempts})`}`];
  const field = (name: string, value: string) => out.push(`${name.padEnd(9)} ${value}`);
  const data = JSON.stringify(job.data, null, 2) ?? 'undefined';
  field('data', data.replace(/\n/g, `\n${' '.repeat(10)}`));
  field('created', localTime(job.created));
  if (job.started !== null) field('started', localTime(job.started));
  if (job.runAt !== null) field('due', localTime(job.runAt));
  if (job.finished !== null) field('finished', localTime(job.finished));
  if (job.retried > 0) field('retried', `${job.retried} time${job.retried === 1 ? '' : 's'} by hand`);
  for (const error of job.errors) {
    const timing = [error.started === null ? '' : `started ${localTime(error.started)}`, error.ms === null ? '' : `ran ${error.ms} ms`].filter(Boolean).join(', ');
    out.push(`attempt ${error.attempt} failed${timing ? ` (${timing})` : ''}:`);
    out.push(...(error.stack ?? error.message).split('\n').map((line) => `  ${line}`));
  }
  return `${out.join('\n')}\n`;
}

/** Says each refusal on stderr; returns whether there was any (exit code 1). */
export function reportRefusals(refused: readonly Refusal[]): boolean {
  for (const { id, why } of refused) process.stderr.write(`crew: ${why.includes(id) ? why : `${id}: ${why}`}\n`);
  return refused.length > 0;
}
