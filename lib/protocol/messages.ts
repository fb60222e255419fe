// The one protocol on the cluster IPC channel between the primary and a child, as two tables of
// verbs: for each verb, its fields and the check each field must pass. The message types are
// derived from the tables, so adding a verb is one line here (and a handler where it arrives;
// the compiler asks for it). Every message carries the namespace `crew` and its verb `act`;
// anything else on the channel (cluster's own traffic, a user's process.send) is not ours and
// is ignored; a message of ours with an unknown verb or a malformed field is refused by
// `parseChildMessage` / `parsePrimaryMessage`, saying why.
//
// The road (lib/primary/child-channel.ts, lib/child/primary-link.ts): a child says `waiting`
// as soon as it listens; until then the primary holds every message for it. Its `spec` comes
// first, then anything else.
import { isChildSpec, type ChildSpec } from './child-spec.js';

export const NAMESPACE = 'crew';

/** The embedded queue's own sub-protocol, opaque to the supervisor (see lib/queue/embedded/protocol.ts). */
export type QueueBody = { op: string; [key: string]: unknown };

type Check<T> = (value: unknown) => value is T;

const isText: Check<string> = (value): value is string => typeof value === 'string';
const isOptionalText: Check<string | undefined> = (value): value is string | undefined => value === undefined || typeof value === 'string';
const isTime: Check<number> = (value): value is number => typeof value === 'number' && Number.isFinite(value);
const isQueueBody: Check<QueueBody> = (value): value is QueueBody =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { op?: unknown }).op === 'string';

/** Child -> primary. */
const CHILD_VERBS = {
  /** The child listens now: what the primary held back for it (its spec first) may be sent. */
  waiting: {},
  /** The component started: the server listens, the worker takes jobs, the scheduler is armed. */
  ready: {},
  /** The event loop is free: the watchdog's evidence. */
  heartbeat: {},
  /** The child takes no new work (a server stopped accepting): the rest may be quieted. */
  quiet: {},
  /** A failure that a restart cannot mend (a port in use): the primary does not retry. */
  fatal: { message: isText },
  /** A dependency of a ready child (its Redis) is lost, and why; without a reason, it is back. */
  degraded: { reason: isOptionalText },
  queue: { body: isQueueBody },
} satisfies VerbTable;

/** Primary -> child. */
const PRIMARY_VERBS = {
  /** Who the child is: sent once, before anything else. */
  spec: { spec: isChildSpec as Check<ChildSpec> },
  /** The component a child forked ahead will most likely run, to load while it waits for its spec. */
  prepare: { component: isText },
  /** Take no new work from `quietAt` on (a server keeps serving until then), finish by `deadline`; epoch ms. */
  stop: { deadline: isTime, quietAt: isTime },
  queue: { body: isQueueBody },
} satisfies VerbTable;

type VerbTable = Record<string, Record<string, Check<unknown>>>;

type MessagesOf<Table extends VerbTable> = {
  [Act in keyof Table & string]: { ns: typeof NAMESPACE; act: Act } & { [Field in keyof Table[Act]]: Table[Act][Field] extends Check<infer T> ? T : never };
}[keyof Table & string];

export type ChildMessage = MessagesOf<typeof CHILD_VERBS>;
export type PrimaryMessage = MessagesOf<typeof PRIMARY_VERBS>;
export type Message = ChildMessage | PrimaryMessage;

/** One handler per verb of a side: what a receiver fills in. */
export type Handlers<M extends Message> = { [Act in M['act']]: (msg: Extract<M, { act: Act }>) => void };

/** Not ours (undefined), ours and well-formed, or ours and refused with the reason. */
export type Parsed<M> = undefined | { ok: true; message: M } | { ok: false; why: string };

function parseWith<M>(table: VerbTable, value: unknown): Parsed<M> {
  if (typeof value !== 'object' || value === null || (value as { ns?: unknown }).ns !== NAMESPACE) return undefined;
  const { act } = value as { act?: unknown };
  if (typeof act !== 'string') return { ok: false, why: 'the message has no verb' };
  const fields = Object.hasOwn(table, act) ? table[act] : undefined;
  if (!fields) return { ok: false, why: `unknown verb "${act.slice(0, 40)}"` };
  for (const [name, check] of Object.entries(fields)) {
    if (!check((value as Record<string, unknown>)[name])) return { ok: false, why: `${act}: ${name} is missing or malformed` };
  }
  return { ok: true, message: value as M };
}

export const parseChildMessage = (value: unknown): Parsed<ChildMessage> => parseWith<ChildMessage>(CHILD_VERBS, value);
export const parsePrimaryMessage = (value: unknown): Parsed<PrimaryMessage> => parseWith<PrimaryMessage>(PRIMARY_VERBS, value);

export function message<A extends Message['act']>(act: A, rest: Omit<Extract<Message, { act: A }>, 'ns' | 'act'>): Extract<Message, { act: A }> {
  return { ns: NAMESPACE, act, ...rest } as Extract<Message, { act: A }>;
}
