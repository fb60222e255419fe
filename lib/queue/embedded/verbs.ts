// Control verbs `jobs.enqueue` (what `crew jobs enqueue` sends) and `jobs.stats`, served by the
// running primary on the queue its crew uses, whichever the driver (../admin.ts); the other
// `jobs.*` verbs are in ../admin-verbs.ts.
import type { EnqueueOptions } from '../../app/types.js';
import type { QueueAdmin } from '../admin.js';
import { checkEnqueue } from '../enqueue-request.js';
import type { QueueStats } from '../types.js';
import { defineVerb, noArgs, objectArgs, VerbArgumentError, type VerbTable } from '../../control/verbs.js';

export interface EnqueueArgs {
  job: string;
  data?: unknown;
  opts?: EnqueueOptions;
}

/** `maxPayload`: config `queue.maxPayload`, as for `ctx.enqueue`. */
export function jobVerbs(admin: QueueAdmin, maxPayload?: number): VerbTable {
  return {
    'jobs.enqueue': defineVerb({
      describe: 'put a job on the queue: { job, data?, opts?: { delay?, retries? } } -> { id }',
      parse(args): EnqueueArgs {
        const { job, data, opts } = objectArgs('jobs.enqueue', args, ['job', 'data', 'opts'], '{ job, data?, opts? }');
        if (typeof job !== 'string') throw new VerbArgumentError('jobs.enqueue: job must be a job name');
        if (opts !== undefined && (typeof opts !== 'object' || opts === null || Array.isArray(opts))) throw new VerbArgumentError('jobs.enqueue: opts must be an object such as { "delay": "10s" }');
        return { job, data, ...(opts !== undefined ? { opts: opts as EnqueueOptions } : {}) };
      },
      async run({ job, data, opts }): Promise<{ id: string }> {
        return { id: await admin.enqueue(checkEnqueue(admin.jobs, job, data, opts, maxPayload)) };
      },
    }),
    'jobs.stats': defineVerb({
      describe: 'waiting / active / succeeded / failed / delayed per job -> { driver, jobs }',
      parse: (args) => noArgs('jobs.stats', args),
      run: (): Promise<QueueStats> => admin.stats(),
    }),
  };
}
