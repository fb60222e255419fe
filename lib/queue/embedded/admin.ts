// The operator's view of the embedded queue (../admin.ts), in the primary, over the broker that
// holds every job: listings walk its queues, retry and remove go through the broker's own
// methods, so its counts and timers stay right. Ids are unique across job names here, so a
// plain id is never ambiguous.
import type { JobSettings } from '../../app/job-settings.js';
import {
  AdminError,
  compareInState,
  firstLine,
  isoTime,
  JOB_STATES,
  refText,
  stateWords,
  type JobDetail,
  type JobList,
  type JobRef,
  type JobState,
  type ListedJob,
  type ListQuery,
  type PurgeQuery,
  type QueueAdmin,
  type RemoveResult,
  type RetryResult,
} from '../admin.js';
import type { EnqueueRequest } from '../enqueue-request.js';
import type { QueueStats } from '../types.js';
import type { EmbeddedBroker, JobQueueView } from './broker.js';
import type { QueuedJob } from './kept-jobs.js';

export function embeddedAdmin(broker: EmbeddedBroker): QueueAdmin {
  const names = (job?: string) => (job === undefined ? [...broker.jobs.keys()] : [job]);

  const find = (ref: JobRef): { state: JobState; job: QueuedJob } => {
    const found = broker.locate(ref.id);
    if (!found || (ref.job !== undefined && found.job.name !== ref.job)) throw new AdminError(`no job ${ref.job === undefined ? ref.id : refText(ref.job, ref.id)} ${gone(broker)}`);
    return found;
  };

  return {
    driver: 'embedded',
    get jobs(): ReadonlyMap<string, JobSettings> {
      return broker.jobs;
    },
    enqueue: async (request: EnqueueRequest) => broker.enqueue(request),
    stats: async (): Promise<QueueStats> => broker.stats(),

    async list(query: ListQuery): Promise<JobList> {
      const states = query.state ? [query.state] : JOB_STATES;
      const jobs: ListedJob[] = [];
      let total = 0;
      const dropped: Record<string, number> = {};
      for (const state of states) {
        const inState: ListedJob[] = [];
        for (const name of names(query.job)) {
          const view = broker.view(name)!;
          if (view.dropped > 0) dropped[name] = view.dropped;
          total += countOf(view, state);
          // Each name's first `limit` in order are enough: the merged list keeps no more.
          let taken = 0;
          for (const job of inStateOf(view, state)) {
            if (taken++ >= query.limit) break;
            inState.push(listed(job, state));
          }
        }
        jobs.push(...inState.sort((a, b) => compareInState(state, a, b)));
      }
      return { driver: 'embedded', jobs: jobs.slice(0, query.limit), total, limit: query.limit, keep: { failed: broker.keepFailed, succeeded: broker.keepSucceeded }, dropped };
    },

    async show(ref) {
      const { state, job } = find(ref);
      return detail(job, state);
    },

    async retry(refs) {
      const result: RetryResult = { retried: [], refused: [] };
      for (const ref of refs) {
        const shown = ref.job === undefined ? ref.id : refText(ref.job, ref.id);
        try {
          const { state, job } = find(ref);
          if (state !== 'failed') result.refused.push({ id: refText(job.name, job.id), why: `${refText(job.name, job.id)} ${stateWords(state)}, not failed: only failed jobs are retried` });
          else if (broker.retry(job.id)) result.retried.push(refText(job.name, job.id));
          else result.refused.push({ id: refText(job.name, job.id), why: 'crew is shutting down' });
        } catch (error) {
          result.refused.push({ id: shown, why: (error as Error).message });
        }
      }
      return result;
    },

    async retryFailed(job) {
      const result: RetryResult = { retried: [], refused: [] };
      for (const name of names(job)) {
        // Oldest failure first, so they run again in the order they failed.
        for (const failed of broker.view(name)!.failed.reverse()) {
          if (broker.retry(failed.id)) result.retried.push(refText(name, failed.id));
        }
      }
      return result;
    },

    async remove(refs) {
      const result: RemoveResult = { removed: [], refused: [] };
      for (const ref of refs) {
        const shown = ref.job === undefined ? ref.id : refText(ref.job, ref.id);
        try {
          const { job } = find(ref);
          const state = broker.withdraw(job.id);
          if (state === 'active') result.refused.push({ id: refText(job.name, job.id), why: `${refText(job.name, job.id)} is running: remove it once it has finished or failed` });
          else result.removed.push(refText(job.name, job.id));
        } catch (error) {
          result.refused.push({ id: shown, why: (error as Error).message });
        }
      }
      return result;
    },

    async purge(query: PurgeQuery) {
      const before = query.olderThan === undefined ? Infinity : Date.now() - query.olderThan;
      let purged = 0;
      for (const name of names(query.job)) {
        const view = broker.view(name)!;
        const kept = query.state === 'failed' ? view.failed : [...view.succeeded];
        for (const job of kept) if (job.finished < before && broker.withdraw(job.id) === query.state) purged += 1;
      }
      return { purged };
    },

    close: async () => undefined,
  };
}

function gone(broker: EmbeddedBroker): string {
  return `in this crew's queue (the embedded queue keeps the newest ${broker.keepSucceeded} succeeded and ${broker.keepFailed} failed jobs per job, and nothing across a restart)`;
}

function countOf(view: JobQueueView, state: JobState): number {
  if (state === 'succeeded') return [...view.succeeded].length;
  if (state === 'failed') return view.failed.length;
  return view.counts[state];
}

function inStateOf(view: JobQueueView, state: JobState): Iterable<QueuedJob> {
  switch (state) {
    case 'waiting':
      return view.waiting;
    case 'active':
      return view.active;
    case 'delayed':
      return [...view.delayed].sort((a, b) => a.runAt - b.runAt);
    case 'failed':
      return view.failed;
    case 'succeeded':
      return view.succeeded;
  }
}

function listed(job: QueuedJob, state: JobState): ListedJob {
  // A job's attempt counts the run it is on (or waits for); runs that ended are one fewer,
  // except once it has finished.
  const ended = state === 'failed' || state === 'succeeded' ? job.attempt : job.attempt - 1;
  const last = job.errors?.at(-1);
  return {
    id: refText(job.name, job.id),
    job: job.name,
    jobId: job.id,
    state,
    attempts: ended,
    maxAttempts: job.attempts,
    // The stack's first line (`Error: …`), as bee-queue keeps it for the redis driver.
    error: state === 'succeeded' ? null : firstLine(last?.stack ?? last?.message),
    created: isoTime(job.created),
    finished: isoTime(job.finished),
    runAt: state === 'delayed' ? isoTime(job.runAt) : null,
  };
}

function detail(job: QueuedJob, state: JobState): JobDetail {
  return {
    ...listed(job, state),
    data: job.data,
    errors: (job.errors ?? []).map((e) => ({ attempt: e.attempt, message: firstLine(e.stack ?? e.message, 2000) ?? '', stack: e.stack ?? null, started: isoTime(e.started), ms: e.started > 0 ? e.ms : null })),
    started: isoTime(job.started),
    retried: job.retried,
  };
}
