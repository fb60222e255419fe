// The embedded queue's broker. It runs in the primary and keeps every job in its memory. It is
// responsible for:
// - taking jobs from any child (`enqueue`) and from the control socket, up to `queue.maxQueued`
//   waiting or delayed at once; beyond that an enqueue fails at the call, saying so;
// - handing jobs to worker children, per job name first in first out, never more at a time to
//   one worker than the job's `concurrency` (credits: one per run the worker may start);
// - retries with the job's backoff and `delay`, on its own timers (one for the earliest);
// - at least once: worse to lose a job than to run it twice. A worker that exits with runs in
//   hand (crash, SIGKILL, killed at the grace) gives them back, and they run again elsewhere
//   with the same attempt number;
// - the counts behind `crew jobs stats`, and the jobs an operator lists, shows, retries and
//   removes (./admin.ts): failed jobs are kept, the newest `queue.keepFailed` per job, and the
//   newest `queue.keepSucceeded` succeeded ones, with each failed attempt's error.
// What it holds is lost when the primary exits: it says so at shutdown. Timeouts are the
// worker's business (a timed-out run comes back as a failure).
import { message } from '../../protocol/messages.js';
import type { PrimaryMessage, QueueBody } from '../../protocol/messages.js';
import type { JobSettings } from '../../app/job-settings.js';
import type { CrewLogger } from '../../log/index.js';
import { retryDelay } from '../backoff.js';
import { EnqueueError, type EnqueueRequest } from '../enqueue-request.js';
import { emptyCounts, type JobCounts, type QueueStats } from '../types.js';
import type { JobState } from '../admin.js';
import { DelayHeap } from './delay-heap.js';
import { Fifo } from './fifo.js';
import { KeptJobs, noteFailure, type QueuedJob } from './kept-jobs.js';
import { parseToBroker, type DoneItem, type EnqueuedItem, type EnqueueItem, type RunItem, type ToBroker, type ToClient } from './protocol.js';

/** A child process as the broker sees it: the supervisor's Child fits. */
export interface BrokerPeer {
  readonly tag: string;
  send(msg: PrimaryMessage): void;
}

export interface BrokerOptions {
  jobs: ReadonlyMap<string, JobSettings>;
  maxQueued: number;
  log: Pick<CrewLogger, 'info' | 'warn' | 'error'>;
  /** The job names some planned worker takes; jobs outside it are warned about once. */
  consumedJobs: ReadonlySet<string>;
  /** Failed jobs kept per job name (queue.keepFailed); the oldest beyond are dropped. */
  keepFailed: number;
  /** Succeeded jobs kept per job name (queue.keepSucceeded), for the operator to look at. */
  keepSucceeded: number;
}

/** One job name's jobs, read-only, for the operator's listings. */
export interface JobQueueView {
  /** In the order they will run. */
  waiting: Iterable<QueuedJob>;
  active: QueuedJob[];
  delayed: QueuedJob[];
  /** Newest first. */
  failed: QueuedJob[];
  /** Newest first. */
  succeeded: Iterable<QueuedJob>;
  /** Failed jobs dropped past keepFailed since the crew started. */
  dropped: number;
  counts: JobCounts;
}

interface JobQueue {
  name: string;
  waiting: Fifo<QueuedJob>;
  consumers: Consumer[];
  /** Where the round robin over consumers resumes. */
  next: number;
  counts: JobCounts;
  kept: KeptJobs;
}

interface Consumer {
  peer: BrokerPeer;
  credits: Map<string, number>;
  inflight: Map<string, QueuedJob>;
  quiet: boolean;
}

export class EmbeddedBroker {
  private readonly queues = new Map<string, JobQueue>();
  private readonly consumers = new Map<BrokerPeer, Consumer>();
  private readonly delayed = new DelayHeap<QueuedJob>();
  private readonly outbox = new Map<BrokerPeer, ToClient[]>();
  private readonly warned = new Set<string>();
  private queued = 0;
  private seq = 0;
  private flushScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private stopped = false;
  /** The time of the message being handled; 0 outside one. */
  private turnNow = 0;

  /** The app's jobs, for checking a request before `enqueue`. */
  get jobs(): ReadonlyMap<string, JobSettings> {
    return this.options.jobs;
  }

  readonly keepFailed: number;
  readonly keepSucceeded: number;

  constructor(private readonly options: BrokerOptions) {
    this.keepFailed = options.keepFailed;
    this.keepSucceeded = options.keepSucceeded;
    for (const name of options.jobs.keys()) {
      this.queues.set(name, { name, waiting: new Fifo(), consumers: [], next: 0, counts: emptyCounts(), kept: new KeptJobs(this.keepFailed, this.keepSucceeded) });
    }
  }

  /** Takes one checked request; returns the job's id. Throws EnqueueError when the queue is full. */
  enqueue(request: EnqueueRequest): string {
    const queue = this.queues.get(request.job);
    const settings = this.options.jobs.get(request.job);
    if (!queue || !settings) throw new EnqueueError(`cannot enqueue "${request.job}": the app defines no such job (it defines: ${[...this.queues.keys()].join(', ') || 'none'})`);
    if (this.stopped) throw new EnqueueError(`cannot enqueue "${request.job}": crew is shutting down`);
    if (this.queued >= this.options.maxQueued) {
      throw new EnqueueError(
        `cannot enqueue "${request.job}": the embedded queue is full (${this.queued} jobs waiting or delayed, queue.maxQueued is ${this.options.maxQueued}); add workers (--worker N), raise queue.maxQueued, or use the redis driver`,
      );
    }
    this.noticeUnconsumed(request.job);
    const job: QueuedJob = {
      id: String(++this.seq),
      name: request.job,
      data: request.data,
      attempt: 1,
      attempts: 1 + (request.retries ?? settings.retries),
      backoff: settings.backoff,
      runAt: 0,
      created: this.now(),
      started: 0,
      finished: 0,
      errors: undefined,
      retried: 0,
    };
    this.queued += 1;
    if (request.delay > 0) this.delay(queue, job, this.now() + request.delay);
    else {
      queue.waiting.push(job);
      queue.counts.waiting += 1;
      this.pump(queue);
    }
    return job.id;
  }

  stats(): QueueStats {
    const jobs: Record<string, JobCounts> = {};
    for (const queue of this.queues.values()) jobs[queue.name] = { ...queue.counts };
    return { driver: 'embedded', jobs };
  }

  // --- the supervisor's hooks -------------------------------------------------------------

  receive(peer: BrokerPeer, body: QueueBody): void {
    const parsed = parseToBroker(body);
    if (!parsed.ok) {
      this.options.log.warn(`embedded queue: refused a message from ${peer.tag}: ${parsed.why}`, { child: peer.tag });
      return;
    }
    // One clock read per message: its jobs arrived together, and the times the operator sees
    // (created, started, finished) need no finer grain than that.
    this.turnNow = Date.now();
    try {
      this.handlers[parsed.value.op](peer, parsed.value as never);
    } finally {
      this.turnNow = 0;
    }
  }

  /** A child exited (any child, any reason): its runs in hand go back to the front of their queues. */
  release(peer: BrokerPeer, why: string): void {
    const consumer = this.consumers.get(peer);
    if (!consumer) return;
    this.consumers.delete(peer);
    this.outbox.delete(peer);
    const touched = new Set<JobQueue>();
    for (const queue of this.queues.values()) {
      const at = queue.consumers.indexOf(consumer);
      if (at >= 0) queue.consumers.splice(at, 1);
    }
    const unfinished = [...consumer.inflight.values()];
    // Reversed, so that unshifting one by one keeps the order they were taken in.
    for (const job of unfinished.reverse()) {
      const queue = this.queues.get(job.name)!;
      queue.counts.active -= 1;
      this.requeueFront(queue, job);
      touched.add(queue);
    }
    if (unfinished.length > 0 && !this.stopped) {
      const ids = unfinished.map((job) => `${job.name}#${job.id}`);
      this.options.log.warn(`${peer.tag} ${why} with ${unfinished.length} job(s) unfinished: they run again (${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''})`, {
        child: peer.tag,
        requeued: unfinished.length,
      });
    }
    for (const queue of touched) this.pump(queue);
  }

  /** crew is stopping and every child has exited: says what is lost. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.queued > 0) {
      const delayed = this.delayed.length;
      this.options.log.warn(
        `the embedded queue still held ${this.queued} job(s) (${this.queued - delayed} waiting, ${delayed} delayed) at shutdown: they are dropped, as it keeps jobs in memory only (the redis driver keeps them)`,
        { dropped: this.queued },
      );
    }
  }

  // --- ops from children ------------------------------------------------------------------

  private readonly handlers: { [Op in ToBroker['op']]: (peer: BrokerPeer, body: Extract<ToBroker, { op: Op }>) => void } = {
    enqueue: (peer, body) => {
      this.send(peer, { op: 'enqueued', items: body.items.map((item) => this.enqueueItem(item)) });
    },
    consume: (peer, body) => {
      const unknown = body.jobs.filter((job) => !this.queues.has(job.name)).map((job) => job.name);
      if (unknown.length > 0) {
        this.send(peer, { op: 'consuming', error: `the app defines no job ${unknown.map((n) => `"${n}"`).join(', ')}` });
        return;
      }
      this.release(peer, 'subscribed again');
      const consumer: Consumer = { peer, credits: new Map(body.jobs.map((job) => [job.name, job.concurrency])), inflight: new Map(), quiet: false };
      this.consumers.set(peer, consumer);
      this.send(peer, { op: 'consuming' });
      for (const job of body.jobs) {
        const queue = this.queues.get(job.name)!;
        queue.consumers.push(consumer);
        this.pump(queue);
      }
    },
    done: (peer, body) => {
      const consumer = this.consumers.get(peer);
      if (!consumer) return;
      const touched = new Set<JobQueue>();
      for (const result of body.results) {
        const queue = this.finish(consumer, result);
        if (queue) touched.add(queue);
      }
      for (const queue of touched) this.pump(queue);
    },
    release: (peer, body) => {
      const consumer = this.consumers.get(peer);
      if (!consumer) return;
      const touched = new Set<JobQueue>();
      for (const id of [...body.ids].reverse()) {
        const job = consumer.inflight.get(id);
        if (!job) continue;
        consumer.inflight.delete(id);
        consumer.credits.set(job.name, (consumer.credits.get(job.name) ?? 0) + 1);
        const queue = this.queues.get(job.name)!;
        queue.counts.active -= 1;
        this.requeueFront(queue, job);
        touched.add(queue);
      }
      for (const queue of touched) this.pump(queue);
    },
    quiet: (peer) => {
      const consumer = this.consumers.get(peer);
      if (consumer) consumer.quiet = true;
    },
  };

  private enqueueItem(item: EnqueueItem): EnqueuedItem {
    try {
      const request: EnqueueRequest = { job: item.job, data: item.data, delay: item.delay, ...(item.retries !== undefined ? { retries: item.retries } : {}) };
      return { ref: item.ref, id: this.enqueue(request) };
    } catch (error) {
      return { ref: item.ref, error: (error as Error).message };
    }
  }

  /** Books one finished run; returns its queue when a credit came back. */
  private finish(consumer: Consumer, result: DoneItem): JobQueue | undefined {
    const job = consumer.inflight.get(result.id);
    // Unknown ids are runs already given back (the worker was taken for dead): ignore.
    if (!job) return undefined;
    consumer.inflight.delete(result.id);
    consumer.credits.set(job.name, (consumer.credits.get(job.name) ?? 0) + 1);
    const queue = this.queues.get(job.name)!;
    queue.counts.active -= 1;
    if (result.ok) {
      queue.counts.succeeded += 1;
      queue.kept.succeed(job, this.now());
      return queue;
    }
    const now = this.now();
    noteFailure(job, result, now);
    if (job.attempt < job.attempts) {
      const wait = retryDelay(job.backoff, job.attempt);
      job.attempt += 1;
      this.queued += 1;
      if (wait > 0) this.delay(queue, job, now + wait);
      else {
        queue.waiting.push(job);
        queue.counts.waiting += 1;
      }
    } else {
      queue.kept.fail(job, now);
      queue.counts.failed = queue.kept.failed.size;
    }
    return queue;
  }

  private now(): number {
    return this.turnNow || Date.now();
  }

  // --- for the operator (./admin.ts) ----------------------------------------------------

  view(name: string): JobQueueView | undefined {
    const queue = this.queues.get(name);
    if (!queue) return undefined;
    return {
      waiting: queue.waiting,
      active: [...this.consumers.values()].flatMap((c) => [...c.inflight.values()].filter((job) => job.name === name)),
      delayed: [...this.delayed].filter((job) => job.name === name),
      failed: [...queue.kept.failed.values()].reverse(),
      succeeded: queue.kept.succeeded,
      dropped: queue.kept.dropped,
      counts: { ...queue.counts },
    };
  }

  /** Where job `id` is: its state and the job, or undefined. Ids are unique across job names. */
  locate(id: string): { state: JobState; job: QueuedJob } | undefined {
    for (const queue of this.queues.values()) {
      const kept = queue.kept.find(id);
      if (kept) return kept;
      for (const job of queue.waiting) if (job.id === id) return { state: 'waiting', job };
    }
    for (const job of this.delayed) if (job.id === id) return { state: 'delayed', job };
    for (const consumer of this.consumers.values()) {
      const job = consumer.inflight.get(id);
      if (job) return { state: 'active', job };
    }
    return undefined;
  }

  /** Takes a waiting, delayed, failed or succeeded job out of the queue; an active one stays. */
  withdraw(id: string): JobState | undefined {
    const found = this.locate(id);
    if (!found || found.state === 'active') return found?.state;
    const queue = this.queues.get(found.job.name)!;
    switch (found.state) {
      case 'waiting':
        queue.waiting.remove((job) => job === found.job);
        queue.counts.waiting -= 1;
        this.queued -= 1;
        break;
      case 'delayed':
        this.delayed.remove(found.job);
        queue.counts.delayed -= 1;
        this.queued -= 1;
        break;
      case 'failed':
      case 'succeeded':
        queue.kept.remove(found.job);
        queue.counts.failed = queue.kept.failed.size;
        break;
    }
    return found.state;
  }

  /** A failed job runs again: same id and data, attempts counted afresh. False when it is not failed. */
  retry(id: string): boolean {
    const found = this.locate(id);
    if (found?.state !== 'failed' || this.stopped) return false;
    this.withdraw(id);
    const job = found.job;
    Object.assign(job, { attempt: 1, runAt: 0, started: 0, finished: 0, errors: undefined, retried: job.retried + 1 });
    const queue = this.queues.get(job.name)!;
    queue.waiting.push(job);
    queue.counts.waiting += 1;
    this.queued += 1;
    this.pump(queue);
    return true;
  }

  // --- dispatch ---------------------------------------------------------------------------

  private pump(queue: JobQueue): void {
    while (queue.waiting.length > 0) {
      const consumer = this.nextConsumer(queue);
      if (!consumer) return;
      const job = queue.waiting.shift()!;
      this.queued -= 1;
      queue.counts.waiting -= 1;
      queue.counts.active += 1;
      consumer.credits.set(queue.name, consumer.credits.get(queue.name)! - 1);
      consumer.inflight.set(job.id, job);
      job.started = this.now();
      const run: RunItem = { id: job.id, name: job.name, data: job.data, attempt: job.attempt, attempts: job.attempts };
      this.sendRun(consumer.peer, run);
    }
  }

  private nextConsumer(queue: JobQueue): Consumer | undefined {
    const list = queue.consumers;
    for (let n = 0; n < list.length; n++) {
      const at = (queue.next + n) % list.length;
      const consumer = list[at]!;
      if (!consumer.quiet && (consumer.credits.get(queue.name) ?? 0) > 0) {
        queue.next = (at + 1) % list.length;
        return consumer;
      }
    }
    return undefined;
  }

  private requeueFront(queue: JobQueue, job: QueuedJob): void {
    queue.waiting.unshift(job);
    queue.counts.waiting += 1;
    this.queued += 1;
  }

  private delay(queue: JobQueue, job: QueuedJob, runAt: number): void {
    job.runAt = runAt;
    this.delayed.push(job);
    queue.counts.delayed += 1;
    this.arm();
  }

  private arm(): void {
    const next = this.delayed.peekTime();
    if (next === undefined || next >= this.timerAt || this.stopped) return;
    clearTimeout(this.timer);
    this.timerAt = next;
    this.timer = setTimeout(() => this.raiseDue(), Math.max(0, next - Date.now()));
    // The broker never keeps the primary alive by itself.
    this.timer.unref();
  }

  private raiseDue(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = Date.now();
    const touched = new Set<JobQueue>();
    for (let job = this.delayed.popDue(now); job; job = this.delayed.popDue(now)) {
      const queue = this.queues.get(job.name)!;
      queue.counts.delayed -= 1;
      queue.waiting.push(job);
      queue.counts.waiting += 1;
      touched.add(queue);
    }
    this.turnNow = now;
    for (const queue of touched) this.pump(queue);
    this.turnNow = 0;
    this.arm();
  }

  // --- output -----------------------------------------------------------------------------

  private sendRun(peer: BrokerPeer, run: RunItem): void {
    const pending = this.outbox.get(peer);
    const last = pending?.at(-1);
    if (last?.op === 'run') last.jobs.push(run);
    else this.queueMessage(peer, { op: 'run', jobs: [run] });
  }

  private send(peer: BrokerPeer, body: ToClient): void {
    this.queueMessage(peer, body);
  }

  // One IPC message per op and turn of the event loop: a burst of enqueues or finished runs
  // costs a few messages, not one each.
  private queueMessage(peer: BrokerPeer, body: ToClient): void {
    const pending = this.outbox.get(peer);
    if (pending) pending.push(body);
    else this.outbox.set(peer, [body]);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    for (const [peer, bodies] of this.outbox) {
      for (const body of bodies) peer.send(message('queue', { body }));
    }
    this.outbox.clear();
  }

  private noticeUnconsumed(job: string): void {
    if (this.options.consumedJobs.has(job) || this.warned.has(job)) return;
    this.warned.add(job);
    this.options.log.warn(`"${job}" jobs are being enqueued but no worker of this crew takes them: they wait in memory until one does (start one with --worker, and check --queues / worker.queues)`, { job });
  }
}

