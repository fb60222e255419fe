// Control verbs `jobs.enqueue` (what `crew jobs enqueue` sends) and `jobs.stats`, served by the
// running primary on the queue its crew uses, whichever the driver (../admin.ts); the other
// `jobs.*` verbs are in ../admin-verbs.ts.
import type { EnqueueOptions } from '../../app/types.js';
import type { QueueAdmin } from '../admin.js';
import { checkEnqueue } from '../enqueue-request.js';
import type { QueueStats } from '../types.js';
import { defineVerb, VerbArgumentError, type VerbTable } from '../../control/verbs.js';

export interface EnqueueArgs {
  job: string;
  data?: unknown;
  opts?: EnqueueOptions;
}

export function jobVerbs(admin: QueueAdmin): VerbTable {
  return {
    'jobs.enqueue': defineVerb({
      describe: 'put a job on the queue: { job, data?, opts?: { delay?, retries? } } -> { id }',
      parse(args): EnqueueArgs {
        if (typeof args !== 'object' || args === null) throw new VerbArgumentError('jobs.enqueue takes { job, data?, opts? }');
        const { job, data, opts } = args as Record<string, unknown>;
        if (typeof job !== 'string') throw new VerbArgumentError('jobs.enqueue: job must be a job name');
        return { job, data, ...(opts !== undefined ? { opts: opts as EnqueueOptions } : {}) };
      },
      async run({ job, data, opts }): Promise<{ id: string }> {
        return { id: await admin.enqueue(checkEnqueue(admin.jobs, job, data, opts)) };
      },
    }),
    'jobs.stats': defineVerb({
      describe: 'waiting / active / succeeded / failed / delayed per job -> { driver, jobs }',
      parse: () => undefined,
      run: (): Promise<QueueStats> => admin.stats(),
    }),
  };
}
