// What the operator's job specs share: a crew on the jobs fixture with the workers they need,
// the commands' JSON, and the listing read straight from the crew's control socket.
import assert from 'node:assert/strict';
import { callControl } from '../../lib/control/client.js';
import type { JobList, ListedJob } from '../../lib/queue/admin.js';
import type { JobsCrew } from './jobs-crew.js';

/** Asks again until `ready` holds: what a worker flushes once a second shows up within that. */
export async function until<T>(ask: () => Promise<T>, ready: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await ask();
    if (ready(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last answer: ${JSON.stringify(value).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export function commands(jobs: JobsCrew) {
  const json = async <T>(args: string[]): Promise<T> => {
    const result = await jobs.jobsCommand([...args, '--json']);
    assert.equal(result.code, 0, `crew jobs ${args.join(' ')}: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  };
  /** The listing straight from the crew's control socket: what `crew jobs list --json` prints, without a process per look. */
  const list = (query: Record<string, unknown> = {}) => callControl(jobs.env.CREW_CONTROL!, 'jobs.list', query, 10_000) as Promise<JobList>;
  const byId = (list: JobList) => new Map<string, ListedJob>(list.jobs.map((job) => [job.id, job]));
  return { json, list, byId };
}

export const CREW = { args: ['--server', '--worker', '--queues', 'echo,failing,gate,slow'], queueKeys: 'keepFailed: 3' };

/** The order of the states in a listing with no --state. */
export const ORDER = ['active', 'waiting', 'delayed', 'failed', 'succeeded'];
