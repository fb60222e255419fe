// The server component: crew's Koa app plus the app's routes, listening on the configured port.
// Every instance listens on the same port; node:cluster shares it between them.
import http from 'node:http';
import type { ComponentRunner } from '../component.js';
import { FatalStartError } from '../component.js';
import { buildKoaApp } from './build-app.js';
import { createDrain } from './http-drain.js';

export const runServer: ComponentRunner = async ({ app, ctx, checks, recordMark }) => {
  let isDraining = () => false;
  const koa = buildKoaApp({ app, ctx, isDraining: () => isDraining(), checks: checks ?? {}, ...(recordMark === undefined ? {} : { recordMark }) });
  await app.server?.(koa, ctx);
  const server = http.createServer(koa.callback());
  const drain = createDrain(server);
  isDraining = () => drain.draining;
  const { port, host } = ctx.config.server;
  await listen(server, port, host);
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  ctx.logger.info(`listening on http://${host.includes(':') ? `[${host}]` : host}:${bound}`, { port: bound, host });
  return { stop: (deadline) => drain.close(deadline) };
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
