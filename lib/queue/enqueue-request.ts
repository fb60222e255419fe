// Checks one `enqueue(job, data, opts)` call where it is made, so a mistake fails at the call
// with a message naming the job and the option, whichever driver would carry the job: an
// unknown job name, options that do not exist or have the wrong type, data that would not
// arrive as it was sent (./job-data.ts), data larger than `queue.maxPayload`. Both drivers
// store data as JSON; bee-queue turns a falsy payload into `{}`, so crew refuses those rather
// than deliver something else than was sent.
import type { EnqueueOptions } from '../app/types.js';
import { MAX_TIMER_MS } from '../app/job-settings.js';
import { formatSize, parseDuration } from '../config/duration.js';
import { DEFAULT_MAX_PAYLOAD } from '../config/types.js';
import { findUnsendable } from './job-data.js';

export interface EnqueueRequest {
  job: string;
  /** `{}` when no data was given. */
  data: unknown;
  /** ms from now; 0 = at once. */
  delay: number;
  /** Overrides the job's own `retries` when set. */
  retries?: number;
}

export class EnqueueError extends Error {
  override name = 'EnqueueError';
}

const OPTION_KEYS = new Set(['delay', 'retries']);

/** `maxPayload`: the most bytes the data may take as JSON (config `queue.maxPayload`). */
export function checkEnqueue(known: ReadonlySet<string> | ReadonlyMap<string, unknown>, job: unknown, data: unknown, opts: EnqueueOptions | undefined, maxPayload = DEFAULT_MAX_PAYLOAD): EnqueueRequest {
  if (typeof job !== 'string' || job === '') throw new EnqueueError(`cannot enqueue: the job name must be a non-empty string, found ${typeof job}`);
  if (!known.has(job)) {
    const names = [...known.keys()];
    throw new EnqueueError(`cannot enqueue "${job}": the app defines no such job (it defines: ${names.join(', ') || 'none'})`);
  }
  const request: EnqueueRequest = { job, data: checkData(job, data, maxPayload), delay: 0 };
  if (opts === undefined || opts === null) return request;
  if (typeof opts !== 'object') throw new EnqueueError(`cannot enqueue "${job}": options must be an object such as { delay: '10s', retries: 3 }, found ${typeof opts}`);
  for (const key of Object.keys(opts)) {
    if (!OPTION_KEYS.has(key)) throw new EnqueueError(`cannot enqueue "${job}": unknown option "${key}" (known: delay, retries)`);
  }
  if (opts.delay !== undefined) {
    const delay = parseDuration(opts.delay);
    if (delay === undefined || delay > MAX_TIMER_MS) throw new EnqueueError(`cannot enqueue "${job}": delay must be a duration such as 500ms or 10s, or a number of milliseconds, found ${JSON.stringify(opts.delay)}`);
    request.delay = delay;
  }
  if (opts.retries !== undefined) {
    if (!Number.isSafeInteger(opts.retries) || opts.retries < 0) throw new EnqueueError(`cannot enqueue "${job}": retries must be a whole number of at least 0, found ${JSON.stringify(opts.retries)}`);
    request.retries = opts.retries;
  }
  return request;
}

function checkData(job: string, data: unknown, maxPayload: number): unknown {
  if (data === undefined || data === null) return {};
  if (data === 0 || data === false || data === '' || Number.isNaN(data)) {
    throw new EnqueueError(`cannot enqueue "${job}": the data ${JSON.stringify(data)} would arrive as {} (the queue stores no falsy payload); wrap it, e.g. { value: ${JSON.stringify(data)} }`);
  }
  const tooBig = (bytes: string) =>
    new EnqueueError(`cannot enqueue "${job}": its data takes ${bytes} as JSON, more than queue.maxPayload (${formatSize(maxPayload)}); keep large data elsewhere (a file, a database row) and enqueue its key, or raise queue.maxPayload`);
  // Every value takes at least one byte of JSON: more values than bytes allowed is too big.
  const problem = findUnsendable(data, maxPayload);
  if (problem === 'too big') throw tooBig(`more than ${maxPayload} bytes`);
  if (problem) throw new EnqueueError(`cannot enqueue "${job}": ${problem.path} would not arrive as sent: ${problem.what}`);
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch (error) {
    throw new EnqueueError(`cannot enqueue "${job}": its data must be JSON (${(error as Error).message})`);
  }
  if (text === undefined) throw new EnqueueError(`cannot enqueue "${job}": its data must be JSON, found ${typeof data}`);
  // UTF-8 takes at most three bytes per UTF-16 unit: count bytes only when it may matter.
  if (text.length * 3 > maxPayload) {
    const bytes = Buffer.byteLength(text);
    if (bytes > maxPayload) throw tooBig(`${bytes} bytes`);
  }
  return data;
}
