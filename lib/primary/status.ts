// The snapshot `crew status` prints, built from the supervisor's slots. States are SPEC's five:
// a slot between two children (exited, restart not yet decided, or stopped at shutdown) is
// reported as `stopping`. What each child is doing comes from the activity on its heartbeats
// (lib/metrics/activity-window.ts): nothing is asked of the children to answer a status.
import type { Child } from './child.js';
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
  /** What the current child is doing, from its heartbeats; null before its first (or with none running). */
  activity: ChildActivity | null;
}

export interface ChildActivity {
  /** Requests answered by this child since it started, and per second over the last few seconds. */
  requests: number;
  requestsPerSecond: number | null;
  /** Job attempts ended by this child since it started, per second lately, and running now. */
  jobs: number;
  jobsPerSecond: number | null;
  activeJobs: number;
  /** The scheduler's next tick: which schedule, when, and in how many ms. */
  nextTick: { schedule: string; at: string; inMs: number } | null;
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
    activity: child ? activityOf(child, now) : null,
  };
}

function activityOf(child: Child, now: number): ChildActivity | null {
  const window = child.reports.activity;
  const latest = window.latest();
  if (!latest) return null;
  const rates = window.rates();
  const round = (rate: number | null) => (rate === null ? null : Math.round(rate * 10) / 10);
  return {
    requests: latest.requests,
    requestsPerSecond: round(rates.requestsPerSecond),
    jobs: latest.jobs,
    jobsPerSecond: round(rates.jobsPerSecond),
    activeJobs: latest.active,
    nextTick: latest.next ? { schedule: latest.next[0], at: new Date(latest.next[1]).toISOString(), inMs: Math.max(0, latest.next[1] - now) } : null,
  };
}
