// The server component: crew's Koa app plus the app's routes, listening on the configured port.
// Every instance listens on the same port; node:cluster shares it between them. At shutdown it
// quiets first — keeps serving until `server.drainDelay` has passed, with /_health answering
// 503 meanwhile so a load balancer stops sending, then stops accepting — and then drains
// (./http-drain.ts).
import http from 'node:http';
import type { ComponentRunner } from '../component.js';
import { FatalStartError } from '../component.js';
import { buildKoaApp } from './build-app.js';
import { createDrain } from './http-drain.js';

export const runServer: ComponentRunner = async ({ app, ctx, checks, recordMark }) => {
  let isDraining = () => false;
  // The app's checks and crew's own; `shutdown` joins them once the server is told to stop.
  const serverChecks: Record<string, () => unknown> = { ...checks };
  const koa = buildKoaApp({ app, ctx, isDraining: () => isDraining(), checks: serverChecks, ...(recordMark === undefined ? {} : { recordMark }) });
  await app.server?.(koa, ctx);
  const server = http.createServer(koa.callback());
  const drain = createDrain(server);
  isDraining = () => drain.draining;
  const { port, host } = ctx.config.server;
  await listen(server, port, host);
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  ctx.logger.info(`listening on http://${host.includes(':') ? `[${host}]` : host}:${bound}`, { port: bound, host });

  let quieting: Promise<void> | undefined;
  const quiet = (at: number) => {
    quieting ??= (async () => {
      serverChecks.shutdown = () => {
        throw new Error('this server is shutting down');
      };
      const wait = at - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      drain.stopAccepting();
    })();
    return quieting;
  };
  return {
    quiet,
    async stop(deadline) {
      await quiet(Date.now());
      await drain.close(deadline);
    },
  };
};

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(new FatalStartError(`port ${port} on ${host} is already in use: stop the process that holds it, or choose another port with --port or PORT`));
      } else if (error.code === 'EACCES') {
        reject(new FatalStartError(`not allowed to listen on port ${port} on ${host}: choose a port above 1023 with --port or PORT`));
      } else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
        reject(new FatalStartError(`cannot listen on host ${host}: it is not an address of this machine; check --host or HOST`));
      } else {
        reject(error);
      }
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
