// The memory limit's decision, pure: given one child's latest RSS sample and how many samples
// in a row were above the limit before it, keep it or restart it gracefully. One sample above
// the limit is a spike; `SAMPLES_OVER_LIMIT` in a row is a child that stays too big. Only a
// ready child is judged (a starting one may spike while it loads; a stopping one is going).
import type { ChildState } from './child.js';

export const SAMPLES_OVER_LIMIT = 3;

export interface MemorySample {
  state: ChildState;
  /** Resident set size, bytes. */
  rss: number;
  /** Consecutive samples above the limit before this one. */
  samplesOver: number;
}

export interface MemoryVerdict {
  action: 'keep' | 'restart';
  /** Consecutive samples above the limit, this one included; 0 after a restart verdict. */
  samplesOver: number;
  reason?: string;
}

const mb = (bytes: number) => Math.round(bytes / 1048576);

export function judgeMemory(sample: MemorySample, policy: { memoryLimit: number }): MemoryVerdict {
  if (policy.memoryLimit <= 0 || sample.state !== 'ready') return { action: 'keep', samplesOver: 0 };
  const over = sample.rss > policy.memoryLimit ? sample.samplesOver + 1 : 0;
  if (over < SAMPLES_OVER_LIMIT) return { action: 'keep', samplesOver: over };
  return { action: 'restart', samplesOver: 0, reason: `RSS ${mb(sample.rss)} MB above memoryLimit ${mb(policy.memoryLimit)} MB` };
}
