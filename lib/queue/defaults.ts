// The queue's fixed timings, in one flat commented place. The ones operators tune are config
// keys (queue.maxQueued, queue.stallInterval); these are not worth a key.

/** How long `ctx.enqueue` waits for the queue to take a job before it rejects. */
export const ENQUEUE_TIMEOUT_MS = 5000;

/** How long a one-shot command (`crew jobs …`) waits to reach Redis or the running crew. */
export const COMMAND_CONNECT_TIMEOUT_MS = 5000;

/** Reconnecting to Redis: wait 100 ms × the attempt number, never more than this. */
export const RECONNECT_MAX_DELAY_MS = 2000;

/** A worker counts its successes in memory and adds them to Redis this often. */
export const COUNT_FLUSH_INTERVAL_MS = 1000;

/** How long before the end of the grace a stopping worker names the jobs it will not finish. */
export const ABANDON_NOTICE_MS = 250;

/** The embedded queue's broker answers within microseconds; this only bounds a lost primary. */
export const BROKER_ANSWER_TIMEOUT_MS = 10_000;

/** The same queue error is recorded at most once in this long (every Queue reports a lost Redis). */
export const REPEAT_SILENCE_MS = 30_000;
