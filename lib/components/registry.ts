// Which runner starts which component. The built-ins have fixed names; any other name is an
// app-defined component. A built-in is imported only by the child that runs it, so a server
// child never loads bee-queue or cron, and a worker never loads Koa.
import type { ComponentRunner } from './component.js';
import { customRunner } from './custom.js';

const BUILT_IN: Readonly<Record<string, () => Promise<ComponentRunner>>> = {
  server: async () => (await import('./server/index.js')).runServer,
  worker: async () => (await import('./worker/index.js')).runWorker,
  scheduler: async () => (await import('./scheduler/index.js')).runScheduler,
};

export async function runnerFor(component: string): Promise<ComponentRunner> {
  const load = BUILT_IN[component];
  return load ? load() : customRunner(component);
}
