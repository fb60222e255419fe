// The example app `npm start` runs: a few routes, and one app-defined component.
import { defineApp } from 'crew';

let beats = 0;
let heartbeat: NodeJS.Timeout | undefined;

export default defineApp({
  name: 'example',

  server(app, ctx) {
    app.use(async (kctx, next) => {
      if (kctx.path === '/') {
        kctx.body = { hello: 'crew', env: ctx.env, instance: ctx.instance, pid: process.pid };
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
