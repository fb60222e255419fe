// The operator's `jobs.*` control verbs on the queue a running crew uses, whichever its driver:
// list, show, retry, remove and purge (enqueue and stats are in ./embedded/verbs.ts). Every
// argument is read by ./admin-args.ts, so a hostile request gets the sentence the command line
// would print, never a crash.
import { defineVerb, VerbArgumentError, type VerbTable } from '../control/verbs.js';
import type { JobList, JobDetail, JobRef, ListQuery, PurgeQuery, QueueAdmin, RemoveResult, RetryResult } from './admin.js';
import { parseAge, parseJobName, parseJobRef, parseJobRefs, parseLimit, parsePurgeState, parseState } from './admin-args.js';

type Args = Record<string, unknown>;

function object(verb: string, args: unknown, shape: string, optional = false): Args {
  if ((args === undefined || args === null) && optional) return {};
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new VerbArgumentError(`${verb} takes ${shape}`);
  const known = shape.replace(/[{}?\s]/g, '').split(',').filter(Boolean);
  for (const key of Object.keys(args)) {
    if (!known.includes(key)) throw new VerbArgumentError(`${verb}: unknown argument ${JSON.stringify(key.slice(0, 40))} (it takes ${shape})`);
  }
  return args as Args;
}

export function adminVerbs(admin: QueueAdmin): VerbTable {
  const jobs = admin.jobs;
  return {
    'jobs.list': defineVerb({
      describe: 'jobs in a state, newest outcome first: { state?, job?, limit? } -> { driver, jobs, total, limit, keep, dropped }',
      parse(args): ListQuery {
        const { state, job, limit } = object('jobs.list', args, '{ state?, job?, limit? }', true);
        return {
          ...(state !== undefined ? { state: parseState(state) } : {}),
          ...(job !== undefined ? { job: parseJobName(job, jobs) } : {}),
          limit: parseLimit(limit),
        };
      },
      run: (query): Promise<JobList> => admin.list(query),
    }),
    'jobs.show': defineVerb({
      describe: 'one job with its data and every attempt\'s error: { id } -> job',
      parse: (args) => parseJobRef(object('jobs.show', args, '{ id }').id, jobs),
      run: (ref): Promise<JobDetail> => admin.show(ref),
    }),
    'jobs.retry': defineVerb({
      describe: 'failed jobs run again with a fresh attempt count: { ids } or { failed: true, job? } -> { retried, refused }',
      parse(args): { refs: JobRef[] } | { failed: true; job?: string } {
        const { ids, failed, job } = object('jobs.retry', args, '{ ids?, failed?, job? }');
        if (failed === true && ids === undefined) return { failed: true as const, ...(job !== undefined ? { job: parseJobName(job, jobs) } : {}) };
        if (failed !== undefined || job !== undefined) throw new VerbArgumentError('jobs.retry takes either { ids } or { failed: true, job? }');
        return { refs: parseJobRefs(ids, jobs) };
      },
      run: (what): Promise<RetryResult> => ('refs' in what ? admin.retry(what.refs) : admin.retryFailed(what.job)),
    }),
    'jobs.remove': defineVerb({
      describe: 'waiting, delayed, failed or succeeded jobs leave the queue: { ids } -> { removed, refused }',
      parse: (args) => parseJobRefs(object('jobs.remove', args, '{ ids }').ids, jobs),
      run: (refs): Promise<RemoveResult> => admin.remove(refs),
    }),
    'jobs.purge': defineVerb({
      describe: 'remove kept failed or succeeded jobs: { state, job?, olderThan? } -> { purged }',
      parse(args): PurgeQuery {
        const { state, job, olderThan } = object('jobs.purge', args, '{ state, job?, olderThan? }');
        return {
          state: parsePurgeState(state),
          ...(job !== undefined ? { job: parseJobName(job, jobs) } : {}),
          ...(olderThan !== undefined ? { olderThan: parseAge(olderThan) } : {}),
        };
      },
      run: (query): Promise<{ purged: number }> => admin.purge(query),
    }),
  };
}
