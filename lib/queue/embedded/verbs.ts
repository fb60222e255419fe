// Control verbs of the embedded queue, served by the primary that holds it: `jobs.enqueue`
// (what `crew jobs enqueue` sends) and `jobs.stats`. With the redis driver the commands talk
// to Redis themselves, and these verbs are not in the table.
import type { EnqueueOptions } from '../../app/types.js';
import type { EmbeddedBroker } from './broker.js';
import { checkEnqueue } from '../enqueue-request.js';
import type { QueueStats } from '../types.js';
import { defineVerb, VerbArgumentError, type VerbTable } from '../../control/verbs.js';

export interface EnqueueArgs {
  job: string;
  data?: unknown;
  opts?: EnqueueOptions;
}

export function jobVerbs(broker: EmbeddedBroker): VerbTable {
  return {
    'jobs.enqueue': defineVerb({
      describe: 'put a job on the embedded queue: { job, data?, opts?: { delay?, retries? } } -> { id }',
      parse(args): EnqueueArgs {
        if (typeof args !== 'object' || args === null) throw new VerbArgumentError('jobs.enqueue takes { job, data?, opts? }');
        const { job, data, opts } = args as Record<string, unknown>;
        if (typeof job !== 'string') throw new VerbArgumentError('jobs.enqueue: job must be a job name');
        return { job, data, ...(opts !== undefined ? { opts: opts as EnqueueOptions } : {}) };
      },
      run({ job, data, opts }): { id: string } {
        return { id: broker.enqueue(checkEnqueue(broker.jobs, job, data, opts)) };
      },
    }),
    'jobs.stats': defineVerb({
      describe: 'waiting / active / succeeded / failed / delayed per job -> { driver, jobs }',
      parse: () => undefined,
      run: (): QueueStats => broker.stats(),
    }),
  };
}
