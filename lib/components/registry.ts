// Which runner starts which component. The built-ins have fixed names; any other name is an
// app-defined component.
import type { ComponentRunner } from './component.js';
import { customRunner } from './custom.js';
import { runServer } from './server/index.js';
import { runWorker } from './worker/index.js';
import { runScheduler } from './scheduler/index.js';

const BUILT_IN: Readonly<Record<string, ComponentRunner>> = {
  server: runServer,
  worker: runWorker,
  scheduler: runScheduler,
};

export const BUILT_IN_COMPONENTS = ['server', 'worker', 'scheduler'] as const;

export function runnerFor(component: string): ComponentRunner {
  return BUILT_IN[component] ?? customRunner(component);
}
