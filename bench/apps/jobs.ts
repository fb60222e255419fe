// The app of the jobs benchmarks: one trivial job at BENCH_CONCURRENCY (default 50), and the
// producer component (./producer.ts) that enqueues them on SIGUSR2.
import { defineApp } from 'crew';
import { producer } from './producer.js';

const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 50);

export default defineApp({
  jobs: {
    trivial: { concurrency, run: () => undefined },
  },
  components: {
    producer,
  },
});
