// The example app `npm start` runs: a few routes, two jobs (one of them flaky, to show retries),
// a schedule, and one app-defined component. With no Redis URL set, jobs travel through crew's
// embedded queue: GET /greet?name=Ada enqueues a job and a worker runs it, and the scheduler
// enqueues one every five seconds.
import { defineApp } from 'crew';

let beats = 0;
let heartbeat: NodeJS.Timeout | undefined;

// The app's own settings (config `settings:`), typed for every handler through defineApp.
interface Settings {
  /** How the greet job says hello (settings.greeting; default "hello"). */
  greeting?: string;
}

export default defineApp<Settings>({
  server(app, ctx) {
    app.use(async (kctx, next) => {
      if (kctx.path === '/') {
        kctx.body = { hello: 'crew', env: ctx.env, instance: ctx.instance, pid: process.pid };
        return;
      }
      if (kctx.path === '/greet') {
        const name = String(kctx.query.name ?? 'world');
        kctx.body = { enqueued: 'greet', id: await ctx.enqueue('greet', { name }) };
        return;
      }
      if (kctx.path === '/report') {
        kctx.body = { enqueued: 'report', id: await ctx.enqueue('report', { requestedAt: new Date().toISOString() }) };
        return;
      }
      if (kctx.path === '/boom') throw new Error('this route always fails, to show the error handler');
      if (kctx.path === '/slow') {
        const ms = Math.min(Number(kctx.query.ms ?? 1000) || 1000, 30_000);
        await new Promise((resolve) => setTimeout(resolve, ms));
        kctx.body = { waited: ms };
        return;
      }
      return next();
    });
  },

  jobs: {
    greet(data: { name: string }, ctx) {
      ctx.logger.info(`${ctx.config.settings.greeting ?? 'hello'}, ${data.name}!`);
    },
    // Fails now and then; crew retries it with a growing delay (watch the attempts).
    report: {
      retries: 3,
      backoff: { type: 'exponential', delay: '500ms' },
      timeout: '10s',
      concurrency: 2,
      async run(data: { requestedAt: string }, ctx) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        if (Math.random() < 0.5) throw new Error('the report service is busy');
        ctx.logger.info('report ready', { requestedAt: data.requestedAt, attempt: ctx.job.attempt });
      },
    },
  },

  schedules: {
    // Seconds first: every five seconds. Config may retime it (schedules.greet-often).
    'greet-often': { cron: '*/5 * * * * *', job: 'greet', data: { name: 'the scheduler' } },
  },

  components: {
    // A long-running piece of the app that is neither a server nor a worker.
    heartbeat: {
      start(ctx) {
        heartbeat = setInterval(() => ctx.logger.info('still here', { beats: ++beats }), 5000);
      },
      stop() {
        clearInterval(heartbeat);
      },
    },
  },
});
