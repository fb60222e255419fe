// The watchdog's decision, pure: given what is known of one child (its state, when it last
// beat its heart, when the primary itself was last held up) and the time, keep it or kill it.
// A child whose event loop has not answered for longer than `watchdog` is killed, and that
// counts as a crash (the restart policy takes it from there). Only the supervisor touches
// processes.
import type { ChildState } from './child.js';

export interface HeartbeatSample {
  state: ChildState;
  /** When the child last beat (its start counts as a beat). */
  lastBeat: number;
  /**
   * When the primary itself was last held up (a blocked stdout, say): beats that arrived while
   * it could not read them are not the child's fault, so silence counts from then at the earliest.
   */
  primaryHeldUpAt: number;
}

export type WatchdogVerdict = { action: 'keep' } | { action: 'kill'; reason: string };

export function judgeHeartbeat(sample: HeartbeatSample, policy: { watchdog: number }, now: number): WatchdogVerdict {
  if (policy.watchdog <= 0) return { action: 'keep' };
  // A stopping child is bounded by its deadline instead; an exited one has nothing to judge.
  if (sample.state !== 'ready' && sample.state !== 'starting') return { action: 'keep' };
  const silent = now - Math.max(sample.lastBeat, sample.primaryHeldUpAt);
  if (silent <= policy.watchdog) return { action: 'keep' };
  return { action: 'kill', reason: `no heartbeat for ${silent} ms (watchdog ${policy.watchdog} ms)` };
}
