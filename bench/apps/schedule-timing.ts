// The app of the scheduler benchmark: a per-second schedule whose run appends
// "<tick ms> <now ms>" to TIMING_FILE as the first thing it does, and a CPU-bound job that keeps
// a worker busy: each `busy` run spins BUSY_MS (default 20) on the event loop, then enqueues
// the next one; the `seeder` component enqueues BUSY_SEEDS (default 4) to start the chain.
import fs from 'node:fs';
import { defineApp } from 'crew';

const timingFile = process.env.TIMING_FILE ?? '/dev/null';
const busyMs = Number(process.env.BUSY_MS ?? 20);
let keepAlive: NodeJS.Timeout | undefined;

export default defineApp({
  schedules: {
    timing: {
      cron: '* * * * * *',
      overlap: 'allow',
      run: ({ schedule }) => {
        fs.appendFileSync(timingFile, `${schedule.tick.getTime()} ${Date.now()}\n`);
      },
    },
  },
  jobs: {
    busy: {
      concurrency: 4,
      run: async (_data, ctx) => {
        const until = performance.now() + busyMs;
        while (performance.now() < until) {
          // Spin: the worker's event loop is as busy as a CPU-bound job makes it.
        }
        await ctx.enqueue('busy', {});
      },
    },
  },
  components: {
    seeder: {
      async start(ctx) {
        keepAlive = setInterval(() => undefined, 60_000);
        const seeds = Number(process.env.BUSY_SEEDS ?? 4);
        for (let i = 0; i < seeds; i += 1) await ctx.enqueue('busy', {});
      },
      stop() {
        clearInterval(keepAlive);
      },
    },
  },
});
