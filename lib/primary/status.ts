// The snapshot `crew status` prints, built from the supervisor's slots. States are SPEC's five:
// a slot between two children (exited, restart not yet decided, or stopped at shutdown) is
// reported as `stopping`.
import type { ChildSlot, SlotState } from './child-slot.js';
import type { Supervisor } from './supervisor.js';

export type ReportedState = 'starting' | 'ready' | 'stopping' | 'backoff' | 'failed';

export interface ChildStatus {
  component: string;
  instance: number;
  pid: number | null;
  state: ReportedState;
  restarts: number;
  /** ms since the current child started, null when none runs. */
  uptime: number | null;
  /** Percent of one core, from the last sample; null before the first. */
  cpu: number | null;
  /** RSS in bytes, from the last sample. */
  memory: number | null;
  lastExit: { code: number | null; signal: string | null; at: string; reason?: string } | null;
  /** Present while a running child says a dependency is lost (its Redis): why. */
  degraded?: string;
}

export interface CrewStatus {
  pid: number;
  env: string;
  /** ms since crew started. */
  uptime: number;
  children: ChildStatus[];
}

const REPORTED: Record<SlotState, ReportedState> = {
  starting: 'starting',
  ready: 'ready',
  stopping: 'stopping',
  backoff: 'backoff',
  failed: 'failed',
  stopped: 'stopping',
};

export function crewStatus(supervisor: Supervisor, env: string, now = Date.now()): CrewStatus {
  return { pid: process.pid, env, uptime: now - supervisor.startedAt, children: supervisor.slots().map((slot) => childStatus(slot, now)) };
}

function childStatus(slot: ChildSlot, now: number): ChildStatus {
  const last = slot.lastExit;
  const child = slot.child;
  return {
    component: slot.component,
    instance: slot.instance,
    pid: child?.pid ?? null,
    state: REPORTED[slot.state],
    restarts: slot.restarts,
    uptime: child ? now - child.startedAt : null,
    cpu: slot.sample?.cpu ?? null,
    memory: slot.sample?.rss ?? null,
    lastExit: last ? { code: last.code, signal: last.signal, at: new Date(last.at).toISOString(), ...(last.reason ? { reason: last.reason } : {}) } : null,
    ...(slot.running && slot.degraded ? { degraded: slot.degraded } : {}),
  };
}
