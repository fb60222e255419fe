// The app of the metrics benchmarks: a server whose router names its routes as @koa/router
// does (`ctx._matchedRoute`), so the HTTP histogram takes its per-route road, and whose
// GET /enqueue enqueues 100 trivial jobs; the trivial job; a producer component that enqueues
// BENCH_JOBS of them on SIGUSR2 (./producer.ts); a schedule; and an idle component to
// make up a fleet.
import { defineApp } from 'crew';
import { producer } from './producer.js';

const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 50);
let keepAlive: NodeJS.Timeout | undefined;
const ROUTES = ['/hello/:name', '/users/:id', '/orders/:id/items', '/health/deep', '/search'];

export default defineApp({
  server(app, crew) {
    app.use(async (ctx) => {
      if (ctx.path === '/enqueue') {
        await Promise.all(Array.from({ length: 100 }, (_, i) => crew.enqueue('trivial', { i })));
        ctx.body = 'enqueued';
        return;
      }
      // A router names the route that matched; twenty paths fall on five routes.
      (ctx as { _matchedRoute?: string })._matchedRoute = ROUTES[ctx.path.length % ROUTES.length];
      ctx.body = 'hello';
    });
  },
  jobs: {
    trivial: { concurrency, run: () => undefined },
  },
  schedules: {
    minutely: { cron: '* * * * *', run: () => undefined },
  },
  components: {
    idle: {
      start() {
        keepAlive ??= setInterval(() => undefined, 60_000);
      },
    },
    producer,
  },
});
