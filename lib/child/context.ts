// Builds the `ctx` every piece of user code receives inside a child.
import type { Logger } from 'winston';
import type { CrewContext, EnqueueOptions } from '../app/types.js';
import type { ChildSpec } from '../protocol/child-spec.js';

export type Enqueue = (job: string, data?: unknown, opts?: EnqueueOptions) => Promise<string>;

export function createContext(spec: ChildSpec, logger: Logger, enqueue: Enqueue): CrewContext {
  return {
    config: spec.config,
    logger,
    env: spec.env,
    component: spec.component,
    instance: spec.instance,
    enqueue,
  };
}
