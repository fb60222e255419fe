// What the primary tells a child about itself before any user code runs: in the environment
// variable CREW_CHILD at fork time, or, for the child forked ahead while the primary still
// reads its config (see primary/fork-child.ts), in a `spec` message. A message that arrives
// before a listener exists is lost, so that child first says `waiting` once it listens.
import type { CrewConfig } from '../config/types.js';
import { message, parsePrimaryMessage } from './messages.js';

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
  /**
   * What crew's own records on this child's stdout start with (see log/own-record-mark.ts):
   * random per child process, so that no line of the app's can carry it by chance.
   */
  recordMark: string;
}

export function encodeChildSpec(spec: ChildSpec): string {
  return JSON.stringify(spec);
}

export function decodeChildSpec(text: string | undefined): ChildSpec {
  if (!text) throw new Error(`${CHILD_SPEC_VARIABLE} is not set: this module is started by crew's primary, not by hand`);
  const value = JSON.parse(text) as ChildSpec;
  if (typeof value.component !== 'string' || typeof value.instance !== 'number' || typeof value.appPath !== 'string' || typeof value.recordMark !== 'string') {
    throw new Error(`${CHILD_SPEC_VARIABLE} is malformed`);
  }
  return value;
}

/**
 * The spec from the environment, or else from the primary's `spec` message. `prepare` is told
 * of each component the primary expects this child to run, while it waits.
 */
export function receiveChildSpec(prepare: (component: string) => void): Promise<ChildSpec> {
  const text = process.env[CHILD_SPEC_VARIABLE];
  // Read once and gone: it holds the resolved config (a Redis password, say), which the app's
  // own subprocesses (a scheduled shell command) have no business inheriting.
  delete process.env[CHILD_SPEC_VARIABLE];
  if (text || !process.send) return Promise.resolve(decodeChildSpec(text));
  return new Promise((resolve, reject) => {
    // A listener keeps the IPC channel, and with it this process, alive while it waits.
    const onMessage = (raw: unknown) => {
      const msg = parsePrimaryMessage(raw);
      if (msg?.act === 'prepare') prepare(msg.component);
      if (msg?.act !== 'spec') return;
      process.off('message', onMessage);
      try {
        resolve(decodeChildSpec(msg.spec));
      } catch (error) {
        reject(error as Error);
      }
    };
    process.on('message', onMessage);
    process.send?.(message('waiting', {}));
  });
}
