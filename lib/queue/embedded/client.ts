// The embedded queue as a child sees it: `enqueue` sends jobs to the primary's broker over the
// cluster IPC channel, and a worker's `consume` takes the runs the broker hands it. Requests and
// results of one turn of the event loop travel as one message. An enqueue the primary does not
// answer within a bound fails instead of hanging; when the channel is gone it fails at once.
import type { EnqueueOptions } from '../../app/types.js';
import type { JobSettings } from '../../app/job-settings.js';
import { message, type ChildMessage, type QueueBody } from '../../protocol/messages.js';
import { BROKER_ANSWER_TIMEOUT_MS, ENQUEUE_TIMEOUT_MS } from '../defaults.js';
import { checkEnqueue, EnqueueError } from '../enqueue-request.js';
import type { ConsumedJob, Consumption, QueueDriver, RunJob } from '../types.js';
import { settlesWithin } from '../../util/with-timeout.js';
import { isScheduleOp, parseToClient, type DoneItem, type EnqueueItem, type RunItem, type ToBroker, type ToClient } from './protocol.js';

export interface EmbeddedClientOptions {
  jobs: ReadonlyMap<string, JobSettings>;
  /** Config `queue.maxPayload`: the most bytes one job's data may take as JSON. */
  maxPayload?: number;
  send: (msg: ChildMessage) => void;
  /** Whether the IPC channel to the primary is up. */
  connected: () => boolean;
  /** Where refused messages from the primary are reported. */
  warn: (text: string) => void;
}

export interface EmbeddedClient extends QueueDriver {
  /** The primary's `queue` messages. */
  receive(body: QueueBody): void;
  /** The channel to the primary went away: every waiting enqueue fails now. */
  disconnected(): void;
}

interface Pending {
  job: string;
  at: number;
  resolve: (id: string) => void;
  reject: (error: Error) => void;
}

export function createEmbeddedClient(options: EmbeddedClientOptions): EmbeddedClient {
  const pending = new Map<number, Pending>();
  let ref = 0;
  let enqueues: EnqueueItem[] = [];
  let results: DoneItem[] = [];
  let flushScheduled = false;
  let sweeper: NodeJS.Timeout | undefined;
  let worker: WorkerSide | undefined;
  let closed = false;

  const send = (body: ToBroker) => options.send(message('queue', { body }));

  const flush = () => {
    flushScheduled = false;
    if (enqueues.length > 0) {
      const items = enqueues;
      enqueues = [];
      send({ op: 'enqueue', items });
    }
    if (results.length > 0) {
      const done = results;
      results = [];
      send({ op: 'done', results: done });
    }
  };
  const scheduleFlush = () => {
    if (flushScheduled) return;
    flushScheduled = true;
    setImmediate(flush);
  };

  // One timer for every waiting enqueue: Map keeps insertion order, so the oldest come first.
  const sweep = () => {
    const now = Date.now();
    for (const [key, entry] of pending) {
      if (now - entry.at < ENQUEUE_TIMEOUT_MS) break;
      pending.delete(key);
      entry.reject(new EnqueueError(`cannot enqueue "${entry.job}": the primary did not take it within ${ENQUEUE_TIMEOUT_MS} ms (embedded queue); it may or may not run`));
    }
    if (pending.size === 0) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };

  const failAll = (why: string) => {
    for (const [key, entry] of pending) {
      pending.delete(key);
      entry.reject(new EnqueueError(`cannot enqueue "${entry.job}": ${why}`));
    }
  };

  const handlers: { [Op in ToClient['op']]: (body: Extract<ToClient, { op: Op }>) => void } = {
    enqueued: (body) => {
      for (const item of body.items) {
        const entry = pending.get(item.ref);
        if (!entry) continue;
        pending.delete(item.ref);
        if ('id' in item && typeof item.id === 'string') entry.resolve(item.id);
        else entry.reject(new EnqueueError((item as { error: string }).error));
      }
    },
    consuming: (body) => worker?.acknowledged(body.error),
    run: (body) => {
      if (worker) worker.take(body.jobs);
      else send({ op: 'release', ids: body.jobs.map((job) => job.id) });
    },
  };

  return {
    driver: 'embedded',

    enqueue(job: string, data?: unknown, opts?: EnqueueOptions): Promise<string> {
      let request;
      try {
        // Checked here, at the call: what the primary would get must arrive as it was sent.
        request = checkEnqueue(options.jobs, job, data, opts, options.maxPayload);
      } catch (error) {
        return Promise.reject(error as Error);
      }
      if (closed || !options.connected()) return Promise.reject(new EnqueueError(`cannot enqueue "${job}": the channel to crew's primary process is closed (embedded queue)`));
      return new Promise<string>((resolve, reject) => {
        ref += 1;
        pending.set(ref, { job, at: Date.now(), resolve, reject });
        const item: EnqueueItem = { ref, job: request.job, data: request.data, delay: request.delay };
        if (request.retries !== undefined) item.retries = request.retries;
        enqueues.push(item);
        scheduleFlush();
        sweeper ??= setInterval(sweep, 250).unref();
      });
    },

    async consume(jobs: ConsumedJob[], run: RunJob): Promise<Consumption> {
      if (worker) throw new Error('this process already consumes jobs');
      const side = new WorkerSide(run, (done) => {
        results.push(done);
        scheduleFlush();
      }, send);
      worker = side;
      send({ op: 'consume', jobs });
      await side.ready;
      return { stop: (deadline) => side.stop(deadline, flush) };
    },

    async check(): Promise<void> {
      if (!options.connected()) throw new Error('the IPC channel to the primary is closed');
    },

    receive(body: QueueBody): void {
      // The schedules' ops are the scheduler's (./schedule-link.ts), which listens for itself.
      if (isScheduleOp(body)) return;
      const parsed = parseToClient(body);
      if (!parsed.ok) {
        options.warn(`embedded queue: refused a message from the primary: ${parsed.why}`);
        return;
      }
      handlers[parsed.value.op](parsed.value as never);
    },

    disconnected(): void {
      failAll("crew's primary process is gone");
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      flush();
      clearInterval(sweeper);
      failAll('this process is stopping');
    },
  };
}

/** A worker's side: runs what the broker hands over, reports each result, lets go at `stop`. */
class WorkerSide {
  readonly ready: Promise<void>;
  private acknowledge!: (error?: string) => void;
  private readonly active = new Map<string, Promise<void>>();
  private quiet = false;

  constructor(
    private readonly run: RunJob,
    private readonly report: (done: DoneItem) => void,
    private readonly send: (body: ToBroker) => void,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the primary did not answer the worker's subscription within ${BROKER_ANSWER_TIMEOUT_MS} ms`)), BROKER_ANSWER_TIMEOUT_MS);
      this.acknowledge = (error) => {
        clearTimeout(timer);
        if (error) reject(new Error(`the embedded queue refused this worker: ${error}`));
        else resolve();
      };
    });
  }

  acknowledged(error?: string): void {
    this.acknowledge(error);
  }

  take(jobs: RunItem[]): void {
    if (this.quiet) {
      // Sent before the broker saw `quiet`: not started, so given back whole.
      this.send({ op: 'release', ids: jobs.map((job) => job.id) });
      return;
    }
    for (const job of jobs) {
      const running = this.run(job).then(
        () => this.report({ id: job.id, ok: true }),
        (error: unknown) => this.report(failure(job.id, error)),
      );
      this.active.set(job.id, running);
      void running.finally(() => this.active.delete(job.id));
    }
  }

  async stop(deadline: number, flush: () => void): Promise<void> {
    if (!this.quiet) {
      this.quiet = true;
      this.send({ op: 'quiet' });
    }
    await settlesWithin(Promise.allSettled([...this.active.values()]), deadline - Date.now());
    flush();
  }
}

/** A failed run as the broker keeps it: the message, and the stack for `crew jobs show`. */
function failure(id: string, error: unknown): DoneItem {
  if (!(error instanceof Error)) return { id, ok: false, error: String(error) };
  return typeof error.stack === 'string' ? { id, ok: false, error: error.message, stack: error.stack } : { id, ok: false, error: error.message };
}
