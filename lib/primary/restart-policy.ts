// The restart decision, pure: given a component's restart history, how long the child that just
// exited had been up, and the time, say whether to restart it and after what delay, or to give
// the component up. Only the supervisor touches timers and processes.
import type { RestartConfig } from '../config/types.js';

export interface RestartHistory {
  /** Times (ms) of the restarts counted against the intensity window, oldest first. */
  restarts: number[];
  /** Consecutive quick failures of this slot, which drive the backoff exponent. */
  attempt: number;
}

export type RestartDecision =
  | { action: 'restart'; delay: number; history: RestartHistory }
  | { action: 'give-up'; reason: string; history: RestartHistory };

export function decideRestart(policy: RestartConfig, history: RestartHistory, uptime: number, now: number): RestartDecision {
  const windowStart = now - policy.intensity.window;
  const restarts = [...history.restarts.filter((t) => t > windowStart), now];
  // A child that stayed up for resetAfter was healthy: its next failure starts the backoff anew.
  const attempt = uptime >= policy.backoff.resetAfter ? 0 : history.attempt;
  const next: RestartHistory = { restarts, attempt: attempt + 1 };
  if (restarts.length > policy.intensity.max) {
    return {
      action: 'give-up',
      reason: `${restarts.length} restarts within ${policy.intensity.window} ms (intensity max ${policy.intensity.max})`,
      history: next,
    };
  }
  const delay = Math.min(policy.backoff.initial * policy.backoff.factor ** attempt, policy.backoff.max);
  return { action: 'restart', delay: Math.round(delay), history: next };
}
