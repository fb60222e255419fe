// The app of the jobs benchmarks: one trivial job at BENCH_CONCURRENCY (default 50), and a
// producer component that, on SIGUSR2, enqueues BENCH_JOBS trivial jobs as fast as it can
// with at most BENCH_IN_FLIGHT enqueues outstanding (the way a busy server would).
import { defineApp } from 'crew';

const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 50);
let keepAlive: NodeJS.Timeout | undefined;

export default defineApp({
  jobs: {
    trivial: { concurrency, run: () => undefined },
  },
  components: {
    producer: {
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
    },
  },
});
