// The HTTP benchmark's baseline: the hello route of bench/apps/hello.ts on bare Koa, N workers
// under node:cluster (its default scheduling, as a user writing this by hand gets), with or
// without one JSON log line per request written to stdout the plain way: JSON.stringify of the
// request's fields and a process.stdout.write, in the worker, as the response is made.
//
// Under PM2's cluster mode the same file runs as PM2's workers (PM2 is their cluster primary),
// so it takes its settings from the environment, which PM2 passes on, not from argv.
//
// BENCH_PORT=3000 BENCH_WORKERS=2 BENCH_LOG=1 [BENCH_ID=1] node dist/bench/apps/bare-koa-cluster.js
import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import Koa from 'koa';

const port = Number(process.env.BENCH_PORT ?? 3000);
const workers = Number(process.env.BENCH_WORKERS ?? 1);
const log = process.env.BENCH_LOG === '1';
// BENCH_ID=1: an X-Request-Id on every response, made as crew makes it (lib/components/server/
// request-id.ts: a prefix drawn once and a counter), set in a middleware of its own, as crew does.
const requestId = process.env.BENCH_ID === '1';

if (cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork();
  // A worker that dies ends the baseline: the benchmark must not measure fewer workers.
  cluster.on('exit', (worker, code, signal) => {
    console.error(`bare-koa-cluster: worker ${worker.process.pid} exited (${signal ?? code})`);
    process.exit(1);
  });
} else {
  const app = new Koa();
  if (requestId) {
    const prefix = `${randomBytes(9).toString('base64url')}.`;
    let counter = 0;
    app.use((ctx, next) => {
      counter += 1;
      ctx.res.setHeader('X-Request-Id', prefix + counter.toString(36));
      return next();
    });
  }
  if (log) {
    app.use(async (ctx, next) => {
      const started = performance.now();
      await next();
      const ms = Math.round((performance.now() - started) * 10) / 10;
      const fields = { level: 'info', message: `${ctx.method} ${ctx.path} ${ctx.status} ${ms}ms`, method: ctx.method, path: ctx.path, status: ctx.status, ms, timestamp: new Date().toISOString() };
      process.stdout.write(`${JSON.stringify(fields)}\n`);
    });
  }
  app.use((ctx) => {
    ctx.body = ctx.path === '/_ping' ? { ok: true } : 'hello';
  });
  // On stderr, which the benchmark waits on; stdout carries the log lines only.
  app.listen(port, '127.0.0.1', () => process.stderr.write(`bare-koa-cluster: worker ${process.pid} listening\n`));
}
