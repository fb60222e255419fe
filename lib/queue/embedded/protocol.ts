// The embedded queue's sub-protocol: the `body` of `{ ns: 'crew', act: 'queue' }` messages on
// the cluster IPC channel. Shared by the broker (primary) and the client (children), and
// nothing else. Every op carries batches, so one IPC message moves many jobs: the client and
// the broker each flush what a turn of the event loop produced. A body that is not one of
// these ops, or whose fields have the wrong types, is refused by the parsers here.
//
// child -> primary
//   enqueue  items: [{ ref, job, data, delay, retries? }]   put jobs on the queue
//   consume  jobs: [{ name, concurrency }]                  this worker takes these jobs
//   done     results: [{ id, ok, error?, stack? }]          runs that finished
//   release  ids: [id]                                      runs handed over after `quiet`, given back
//   quiet                                                   take no more jobs (shutdown)
// primary -> child
//   enqueued items: [{ ref, id } | { ref, error }]          answers to `enqueue`, by ref
//   consuming error?                                        answer to `consume`
//   run      jobs: [{ id, name, data, attempt, attempts }]  run these

export interface EnqueueItem {
  ref: number;
  job: string;
  data: unknown;
  delay: number;
  retries?: number;
}

export type EnqueuedItem = { ref: number; id: string } | { ref: number; error: string };

export interface RunItem {
  id: string;
  name: string;
  data: unknown;
  attempt: number;
  attempts: number;
}

export type DoneItem = { id: string; ok: true } | { id: string; ok: false; error: string; stack?: string };

export type ToBroker =
  | { op: 'enqueue'; items: EnqueueItem[] }
  | { op: 'consume'; jobs: Array<{ name: string; concurrency: number }> }
  | { op: 'done'; results: DoneItem[] }
  | { op: 'release'; ids: string[] }
  | { op: 'quiet' };

export type ToClient =
  | { op: 'enqueued'; items: EnqueuedItem[] }
  | { op: 'consuming'; error?: string }
  | { op: 'run'; jobs: RunItem[] };

type Parsed<T> = { ok: true; value: T } | { ok: false; why: string };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isName = (value: unknown): value is string => typeof value === 'string' && value !== '';

function everyItem(list: unknown, what: string, check: (item: Record<string, unknown>) => boolean): string | undefined {
  if (!Array.isArray(list)) return `${what} is not a list`;
  for (let i = 0; i < list.length; i++) {
    const item: unknown = list[i];
    if (!isObject(item) || !check(item)) return `${what}[${i}] is malformed`;
  }
  return undefined;
}

const BROKER_OPS: Record<string, (body: Record<string, unknown>) => string | undefined> = {
  enqueue: (b) => everyItem(b.items, 'items', (i) => isCount(i.ref) && isName(i.job) && isCount(i.delay) && (i.retries === undefined || isCount(i.retries))),
  consume: (b) => everyItem(b.jobs, 'jobs', (j) => isName(j.name) && isCount(j.concurrency) && j.concurrency > 0),
  done: (b) => everyItem(b.results, 'results', (r) => isName(r.id) && (r.ok === true || (r.ok === false && typeof r.error === 'string' && (r.stack === undefined || typeof r.stack === 'string')))),
  release: (b) => (Array.isArray(b.ids) && b.ids.every(isName) ? undefined : 'ids is not a list of ids'),
  quiet: () => undefined,
};

const CLIENT_OPS: Record<string, (body: Record<string, unknown>) => string | undefined> = {
  enqueued: (b) => everyItem(b.items, 'items', (i) => isCount(i.ref) && (isName(i.id) || typeof i.error === 'string')),
  consuming: (b) => (b.error === undefined || typeof b.error === 'string' ? undefined : 'error is not text'),
  run: (b) => everyItem(b.jobs, 'jobs', (j) => isName(j.id) && isName(j.name) && isCount(j.attempt) && isCount(j.attempts)),
};

function parse<T>(table: typeof BROKER_OPS, body: unknown): Parsed<T> {
  if (!isObject(body) || typeof body.op !== 'string') return { ok: false, why: 'not a queue message' };
  const check = Object.hasOwn(table, body.op) ? table[body.op] : undefined;
  if (!check) return { ok: false, why: `unknown op "${body.op}"` };
  const why = check(body);
  return why === undefined ? { ok: true, value: body as T } : { ok: false, why: `${body.op}: ${why}` };
}

export const parseToBroker = (body: unknown): Parsed<ToBroker> => parse<ToBroker>(BROKER_OPS, body);
export const parseToClient = (body: unknown): Parsed<ToClient> => parse<ToClient>(CLIENT_OPS, body);

// With the embedded driver the primary also keeps the schedules' state (lib/schedule/state.ts):
// which are paused, and how each last ran. Its ops travel in the same `queue` messages, apart
// from the jobs' (the broker and the client leave them alone):
// child -> primary
//   schedules  names: [name]                  a scheduler arms these: send it the pauses
//   ran        name, run                      how a tick's run went (run: a LastRun)
// primary -> child
//   paused     names: [name]                  the paused schedules, whenever they change

export type ToScheduleKeeper = { op: 'schedules'; names: string[] } | { op: 'ran'; name: string; run: unknown };
export type ToScheduler = { op: 'paused'; names: string[] };

const SCHEDULE_OPS = new Set(['schedules', 'ran', 'paused']);

/** Whether a `queue` body is one of the schedules' ops rather than the jobs'. */
export const isScheduleOp = (body: { op: unknown }): boolean => typeof body.op === 'string' && SCHEDULE_OPS.has(body.op);

const isNameList = (value: unknown): value is string[] => Array.isArray(value) && value.length <= 10_000 && value.every(isName);

const KEEPER_OPS: Record<string, (body: Record<string, unknown>) => string | undefined> = {
  schedules: (b) => (isNameList(b.names) ? undefined : 'names is not a list of names'),
  ran: (b) => (isName(b.name) && isObject(b.run) ? undefined : 'needs a name and a run'),
};

const SCHEDULER_OPS: Record<string, (body: Record<string, unknown>) => string | undefined> = {
  paused: (b) => (isNameList(b.names) ? undefined : 'names is not a list of names'),
};

export const parseToScheduleKeeper = (body: unknown): Parsed<ToScheduleKeeper> => parse<ToScheduleKeeper>(KEEPER_OPS, body);
export const parseToScheduler = (body: unknown): Parsed<ToScheduler> => parse<ToScheduler>(SCHEDULER_OPS, body);
