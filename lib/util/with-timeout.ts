// Bounds a wait in time: the one place crew races a promise against a timer. Neither helper's
// timer keeps the process alive by itself, and each is cleared as soon as the promise settles.

/** Settles as `promise` does, or rejects with `error()` after `ms`. */
export function withTimeout<T>(promise: PromiseLike<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), Math.max(0, ms));
    timer.unref();
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Resolves true once `promise` has settled (fulfilled or rejected: the caller only waits, the
 * outcome is reported where the promise is made), or false when `ms` passed first. Never rejects.
 */
export function settlesWithin(promise: PromiseLike<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
    timer.unref();
  });
  const settled = Promise.resolve(promise).then(
    () => true,
    () => true,
  );
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
}
