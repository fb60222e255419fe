// The one typed union of messages that crosses the cluster IPC channel between the primary and
// a child. Every message carries the namespace `crew` and a verb `act`; anything else on the
// channel (cluster's own traffic, a user's process.send) is not ours and is ignored, and a
// message of ours with an unknown verb or a malformed body is refused by `parseMessage`.

export const NAMESPACE = 'crew';

/** Child -> primary. */
export type ChildMessage =
  /** A child forked ahead listens now: its spec (and a `prepare`) may be sent. */
  | { ns: 'crew'; act: 'waiting' }
  /**
   * The child's runtime listens now. A message sent before is lost, so the primary holds `stop`
   * and queue messages back until this one.
   */
  | { ns: 'crew'; act: 'listening' }
  | { ns: 'crew'; act: 'ready' }
  | { ns: 'crew'; act: 'heartbeat' }
  /** A failure that a restart cannot mend (a port in use): the primary does not retry. */
  | { ns: 'crew'; act: 'fatal'; message: string }
  /** A dependency of a ready child (its Redis) is lost, and why; without `reason`, it is back. */
  | { ns: 'crew'; act: 'degraded'; reason?: string }
  | { ns: 'crew'; act: 'queue'; body: QueueBody };

/** Primary -> child. */
export type PrimaryMessage =
  /** Who a child forked ahead of its spec is (see fork-child.ts); sent once, after `waiting`. */
  | { ns: 'crew'; act: 'spec'; spec: string }
  /** The component a child forked ahead will most likely run, to load while it waits. */
  | { ns: 'crew'; act: 'prepare'; component: string }
  | { ns: 'crew'; act: 'stop'; deadline: number }
  | { ns: 'crew'; act: 'queue'; body: QueueBody };

/** The embedded queue's own sub-protocol, opaque to the supervisor (see lib/queue). */
export type QueueBody = { op: string; [key: string]: unknown };

export type Message = ChildMessage | PrimaryMessage;

const CHILD_ACTS = new Set(['waiting', 'listening', 'ready', 'heartbeat', 'fatal', 'degraded', 'queue']);
const PRIMARY_ACTS = new Set(['spec', 'prepare', 'stop', 'queue']);

function isOurs(value: unknown): value is { ns: string; act: unknown; [key: string]: unknown } {
  return typeof value === 'object' && value !== null && (value as { ns?: unknown }).ns === NAMESPACE;
}

/** Returns the message when it is a well-formed child message, else undefined. */
export function parseChildMessage(value: unknown): ChildMessage | undefined {
  if (!isOurs(value) || typeof value.act !== 'string' || !CHILD_ACTS.has(value.act)) return undefined;
  if (value.act === 'fatal' && typeof value.message !== 'string') return undefined;
  if (value.act === 'degraded' && value.reason !== undefined && typeof value.reason !== 'string') return undefined;
  if (value.act === 'queue' && !isQueueBody(value.body)) return undefined;
  return value as ChildMessage;
}

/** Returns the message when it is a well-formed primary message, else undefined. */
export function parsePrimaryMessage(value: unknown): PrimaryMessage | undefined {
  if (!isOurs(value) || typeof value.act !== 'string' || !PRIMARY_ACTS.has(value.act)) return undefined;
  if (value.act === 'spec' && typeof value.spec !== 'string') return undefined;
  if (value.act === 'prepare' && typeof value.component !== 'string') return undefined;
  if (value.act === 'stop' && typeof value.deadline !== 'number') return undefined;
  if (value.act === 'queue' && !isQueueBody(value.body)) return undefined;
  return value as PrimaryMessage;
}

function isQueueBody(value: unknown): value is QueueBody {
  return typeof value === 'object' && value !== null && typeof (value as { op?: unknown }).op === 'string';
}

export function message<A extends Message['act']>(act: A, rest: Omit<Extract<Message, { act: A }>, 'ns' | 'act'>): Extract<Message, { act: A }> {
  return { ns: NAMESPACE, act, ...rest } as Extract<Message, { act: A }>;
}
