// The child's side of the job queue: `ctx.enqueue`, the queue's health check, and the embedded
// driver's messages from the primary.
import type { ChildSpec } from '../protocol/child-spec.js';
import type { QueueBody } from '../protocol/messages.js';
import type { Enqueue } from './context.js';

export interface ChildQueue {
  enqueue: Enqueue;
  receive(body: QueueBody): void;
  checks: Record<string, () => unknown>;
  close(): Promise<void>;
}

export function createChildQueue(_spec: ChildSpec, _send: (msg: unknown) => void): ChildQueue {
  return {
    enqueue: async (job) => {
      throw new Error(`cannot enqueue "${job}": this crew has no job queue`);
    },
    receive: () => undefined,
    checks: {},
    close: async () => undefined,
  };
}
