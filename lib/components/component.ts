// What every component runner returns: a handle the child runtime stops at shutdown. Runners
// know nothing of the supervisor; they start, report readiness by resolving, and stop in two
// steps, as Sidekiq does: quiet (take no new work) and stop (finish what is in hand by a
// deadline). A runner whose start has not resolved is not asked anything: the child exits.
import type { AppDefinition, CrewContext } from '../app/types.js';
import type { QueueDriver } from '../queue/types.js';

export interface RunningComponent {
  /**
   * Takes no new work from `at` on (epoch ms; now or earlier means at once) and resolves once it
   * takes none: a server keeps serving until `at` (server.drainDelay), then stops accepting.
   * Optional: a component without it is quieted by `stop`. Safe to call twice.
   */
  quiet?(at: number): Promise<void>;
  /** Takes no new work (quieting at once if not yet) and finishes what is in flight by `deadline` (epoch ms). Safe to call twice. */
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
