// How long a failed job waits before its next attempt. The formulas are bee-queue's, so the
// embedded driver retries on the same schedule as the redis one: `fixed` waits `delay` every
// time, `exponential` waits `delay`, then twice that, then four times…
import type { Backoff } from '../app/job-settings.js';
import { MAX_TIMER_MS } from '../app/job-settings.js';

/** ms to wait after the failure of attempt `failed` (1 = the first run). */
export function retryDelay(backoff: Backoff, failed: number): number {
  if (backoff.type === 'fixed') return backoff.delay;
  return Math.min(backoff.delay * 2 ** Math.max(0, failed - 1), MAX_TIMER_MS);
}
