// The config folder of a spec's crew that runs a fixture app with a queue: the app, its server's
// port, its queue, a supervisor quick to restart and without a watchdog, and the spec's own YAML;
// and the environment that gives it a control socket of its own and no inherited REDIS_URL.
import path from 'node:path';
import type { TestContext } from 'node:test';
import { fixtureApp } from './paths.js';
import { tempConfig } from './temp-dir.js';

export interface QueueCrewConfig {
  configDir: string;
  env: Record<string, string>;
}

/** `queue` is the YAML of the queue's settings (`{ driver: embedded }`, say). */
export function queueCrewConfig(t: TestContext, options: { app: string; port: number; queue: string; yaml?: string | undefined }): QueueCrewConfig {
  const configDir = tempConfig(
    t,
    [
      `app: ${fixtureApp(options.app)}`,
      `server: { port: ${options.port} }`,
      `queue: ${options.queue}`,
      'supervisor: { grace: 4s, watchdog: 0, restart: { backoff: { initial: 50ms, max: 200ms }, intensity: { max: 100, window: 60s } } }',
      options.yaml ?? '',
    ].join('\n'),
  );
  return { configDir, env: { CREW_CONTROL: path.join(configDir, 'control.sock'), REDIS_URL: '' } };
}
