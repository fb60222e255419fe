// A hello-world crew server for the start and restart benchmarks. GET /pid names the process
// that answered, so a benchmark can tell a replacement child from the one it killed.
import { defineApp } from 'crew';

export default defineApp({
  server(app) {
    app.use((ctx) => {
      ctx.body = ctx.path === '/pid' ? { pid: process.pid } : 'hello';
    });
  },
});
