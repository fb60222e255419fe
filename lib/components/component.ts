// What every component runner returns: a handle the child runtime stops at shutdown. Runners
// know nothing of the supervisor; they start, report readiness by resolving, and stop by a
// deadline.
import type { AppDefinition, CrewContext } from '../app/types.js';
import type { QueueDriver } from '../queue/types.js';

export interface RunningComponent {
  /** Stops taking work and finishes what is in flight by `deadline` (epoch ms). Safe to call twice. */
  stop(deadline: number): Promise<void>;
}

export interface ComponentInput {
  app: AppDefinition;
  ctx: CrewContext;
  /** Health checks of crew's own dependencies (the queue), shown by the server's `/_health`. */
  checks?: Record<string, () => unknown>;
  /** The job queue of this child, which the worker consumes from. */
  queue?: QueueDriver;
  /** What crew's own records on stdout start with, for the relay (log/own-record-mark.ts). */
  recordMark?: string;
}

export type ComponentRunner = (input: ComponentInput) => Promise<RunningComponent>;

/** A start failure that restarting cannot mend (a port in use, a bad setting). */
export class FatalStartError extends Error {
  override name = 'FatalStartError';
}
