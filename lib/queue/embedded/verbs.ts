// Control verbs of the embedded queue, served by the primary that holds it: `jobs.enqueue`
// (what `crew jobs enqueue` sends) and `jobs.stats`. With the redis driver the commands talk
// to Redis themselves, and these verbs are not in the table.
import type { EnqueueOptions } from '../../app/types.js';
import type { EmbeddedBroker } from './broker.js';
import { checkEnqueue } from '../enqueue-request.js';
import type { QueueStats } from '../types.js';
import { defineVerb, noArgs, objectArgs, VerbArgumentError, type VerbTable } from '../../control/verbs.js';

export interface EnqueueArgs {
  job: string;
  data?: unknown;
  opts?: EnqueueOptions;
}

/** `maxPayload`: config `queue.maxPayload`, as for `ctx.enqueue`. */
export function jobVerbs(broker: EmbeddedBroker, maxPayload?: number): VerbTable {
  return {
    'jobs.enqueue': defineVerb({
      describe: 'put a job on the embedded queue: { job, data?, opts?: { delay?, retries? } } -> { id }',
      parse(args): EnqueueArgs {
        const { job, data, opts } = objectArgs('jobs.enqueue', args, ['job', 'data', 'opts'], '{ job, data?, opts? }');
        if (typeof job !== 'string') throw new VerbArgumentError('jobs.enqueue: job must be a job name');
        if (opts !== undefined && (typeof opts !== 'object' || opts === null || Array.isArray(opts))) throw new VerbArgumentError('jobs.enqueue: opts must be an object such as { "delay": "10s" }');
        return { job, data, ...(opts !== undefined ? { opts: opts as EnqueueOptions } : {}) };
      },
      run({ job, data, opts }): { id: string } {
        return { id: broker.enqueue(checkEnqueue(broker.jobs, job, data, opts, maxPayload)) };
      },
    }),
    'jobs.stats': defineVerb({
      describe: 'waiting / active / succeeded / failed / delayed per job -> { driver, jobs }',
      parse: (args) => noArgs('jobs.stats', args),
      run: (): QueueStats => broker.stats(),
    }),
  };
}
