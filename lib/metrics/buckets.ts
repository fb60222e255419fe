// The histograms' bucket bounds, in seconds, shared by the children that count into them and
// the primary that checks and renders what they report: a report's bucket counts are only
// meaningful against the same bounds, so both sides read them from here. Each histogram's
// counts travel as one array per series: one count per bound (observations at or below it and
// above the one before), and a last one for what is above every bound (+Inf).

/** A request takes milliseconds; a slow one, seconds. */
export const HTTP_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A job takes milliseconds to hours. */
export const JOB_BUCKETS: readonly number[] = [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600];

/** How late a tick's run started: milliseconds when all is well, seconds when the scheduler was held up. */
export const LATENESS_BUCKETS: readonly number[] = [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300];

/** A scheduled run: a function, a job enqueued, a shell command. */
export const RUN_BUCKETS: readonly number[] = [0.01, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600];

/** The same bounds in milliseconds, for the children's hot paths (they measure in ms). */
export const toMs = (bounds: readonly number[]): Float64Array => Float64Array.from(bounds, (s) => s * 1000);

/** Adds one observation of `ms` to `counts` (bounds in ms, one more count than bounds). */
export function countInto(counts: number[], boundsMs: Float64Array, ms: number): void {
  let i = 0;
  while (i < boundsMs.length && ms > boundsMs[i]!) i++;
  counts[i]! += 1;
}
