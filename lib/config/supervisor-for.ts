// The supervision settings of one component: its own `supervisor:` block merged over the
// defaults. Built-in names (server, worker, scheduler) take their block from their section;
// any other name from `components.<name>.supervisor`.

import { deepMerge } from './merge.js';
import type { CrewConfig, SupervisorConfig, SupervisorOverride } from './types.js';

function overrideFor(config: CrewConfig, component: string): SupervisorOverride | undefined {
  switch (component) {
    case 'server':
      return config.server.supervisor;
    case 'worker':
      return config.worker.supervisor;
    case 'scheduler':
      return config.scheduler.supervisor;
    default:
      return Object.hasOwn(config.components, component) ? config.components[component]?.supervisor : undefined;
  }
}

/** A fresh object: changing it changes neither the defaults nor the override. */
export function supervisorFor(config: CrewConfig, component: string): SupervisorConfig {
  return deepMerge(config.supervisor, overrideFor(config, component)) as SupervisorConfig;
}
