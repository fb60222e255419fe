// What the primary tells a child about itself before any user code runs, in the `spec` message
// (./messages.ts), the first the child hears. Never in the environment: a resolved config holds
// secrets (a Redis password) that /proc/<pid>/environ would show to anyone who may read it, and
// one variable over 128 KiB makes every fork fail (E2BIG). Over IPC its size is not bounded.
import type { CrewConfig } from '../config/types.js';

export interface ChildSpec {
  component: string;
  instance: number;
  env: string;
  /** Absolute path of the app module. */
  appPath: string;
  config: CrewConfig;
  /** How often the child beats its heart, in ms; 0 = no watchdog. */
  heartbeatInterval: number;
  /** The shutdown grace, used when the child is sent SIGTERM directly. */
  grace: number;
  /**
   * What crew's own records on this child's stdout start with (see log/own-record-mark.ts):
   * random per child process, so that no line of the app's can carry it by chance.
   */
  recordMark: string;
}

/** The shape only: the primary built the config from a validated schema. */
export function isChildSpec(value: unknown): value is ChildSpec {
  if (typeof value !== 'object' || value === null) return false;
  const spec = value as Record<string, unknown>;
  return (
    typeof spec.component === 'string' &&
    Number.isInteger(spec.instance) &&
    typeof spec.env === 'string' &&
    typeof spec.appPath === 'string' &&
    typeof spec.config === 'object' &&
    spec.config !== null &&
    typeof spec.heartbeatInterval === 'number' &&
    typeof spec.grace === 'number' &&
    typeof spec.recordMark === 'string'
  );
}
