// The producer component of the job benchmarks' apps: on SIGUSR2 it enqueues BENCH_JOBS
// trivial jobs as fast as it can with at most BENCH_IN_FLIGHT enqueues outstanding (the way a
// busy server would), then records how long that took ("produced").
import type { ComponentDefinition } from 'crew';

let keepAlive: NodeJS.Timeout | undefined;

export const producer: ComponentDefinition = {
  start(ctx) {
    keepAlive = setInterval(() => undefined, 60_000);
    process.once('SIGUSR2', () => {
      const total = Number(process.env.BENCH_JOBS ?? 100_000);
      const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 2000);
      const started = performance.now();
      let sent = 0;
      let done = 0;
      const next = (): void => {
        while (sent < total && sent - done < inFlight) {
          sent += 1;
          ctx.enqueue('trivial', { i: sent }).then(
            () => {
              done += 1;
              if (done === total) ctx.logger.info('produced', { jobs: total, ms: Math.round(performance.now() - started) });
              else next();
            },
            (error: Error) => {
              ctx.logger.error(`enqueue failed: ${error.message}`);
              process.exit(1);
            },
          );
        }
      };
      next();
    });
  },
  stop() {
    clearInterval(keepAlive);
  },
};
