// The primary's part of the queue. With the embedded driver the primary holds the queue: a
// broker that follows the children through the supervisor's hooks (their queue messages, and
// every exit, which gives a dead worker's runs back) and answers the `jobs.*` control verbs.
// With the redis driver the primary has no part: children and commands talk to Redis.
import { jobSettings } from '../app/job-settings.js';
import type { AppDefinition } from '../app/types.js';
import type { CrewConfig } from '../config/types.js';
import { jobVerbs } from '../queue/embedded/verbs.js';
import type { VerbTable } from '../control/verbs.js';
import type { CrewLogger } from '../log/index.js';
import { EmbeddedBroker } from '../queue/embedded/broker.js';
import { resolveDriver } from '../queue/resolve-driver.js';
import type { ExitInfo } from './child-slot.js';
import type { PlannedComponent } from './plan.js';
import type { SupervisorHooks } from './supervisor.js';

export interface PrimaryQueue {
  hooks?: SupervisorHooks;
  verbs: VerbTable;
}

export function createPrimaryQueue(config: CrewConfig, app: AppDefinition, plan: PlannedComponent[], log: CrewLogger): PrimaryQueue {
  if (resolveDriver(config.queue) !== 'embedded') return { verbs: {} };
  const jobs = jobSettings(app.jobs);
  const workers = plan.some((c) => c.component === 'worker');
  const consumed = workers ? (config.worker.queues.length > 0 ? config.worker.queues : [...jobs.keys()]) : [];
  const broker = new EmbeddedBroker({ jobs, maxQueued: config.queue.maxQueued, log, consumedJobs: new Set(consumed) });
  return {
    hooks: {
      onQueueMessage: (slot, body) => broker.receive(slot, body),
      onChildExit: (slot, info) => broker.release(slot, exitWords(info)),
      stop: () => broker.stop(),
    },
    verbs: jobVerbs(broker, config.queue.maxPayload),
  };
}

function exitWords(info: ExitInfo): string {
  if (info.killedAtGrace) return 'was killed at the end of the grace';
  return info.signal ? `was killed by ${info.signal}` : `exited with code ${info.code}`;
}
