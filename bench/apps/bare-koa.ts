// The same hello-world server on bare Koa, started with plain node: the baseline of the start
// benchmark. node dist/bench/apps/bare-koa.js PORT
import Koa from 'koa';

const port = Number(process.argv[2] ?? 3000);
const app = new Koa();
app.use((ctx) => {
  ctx.body = ctx.path === '/_ping' ? { ok: true } : 'hello';
});
app.listen(port, '127.0.0.1');
