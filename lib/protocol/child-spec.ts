// What the primary tells a child about itself at fork time. It travels in the environment
// variable CREW_CHILD because it must be known before any user code runs.
import type { CrewConfig } from '../config/types.js';

export const CHILD_SPEC_VARIABLE = 'CREW_CHILD';

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
}

export function encodeChildSpec(spec: ChildSpec): string {
  return JSON.stringify(spec);
}

export function decodeChildSpec(text: string | undefined): ChildSpec {
  if (!text) throw new Error(`${CHILD_SPEC_VARIABLE} is not set: this module is started by crew's primary, not by hand`);
  const value = JSON.parse(text) as ChildSpec;
  if (typeof value.component !== 'string' || typeof value.instance !== 'number' || typeof value.appPath !== 'string') {
    throw new Error(`${CHILD_SPEC_VARIABLE} is malformed`);
  }
  return value;
}
