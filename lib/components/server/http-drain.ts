// Graceful close of an HTTP server. server.close() alone waits for every keep-alive socket to
// time out (measured: 6.4 s), so while draining crew answers with `Connection: close`, sweeps
// idle sockets every few ms, and at the deadline closes whatever is left.
import type { Server } from 'node:http';

const SWEEP_INTERVAL_MS = 50;

export interface Drain {
  readonly draining: boolean;
  /** Resolves when the server has closed, at the latest at `deadline`. Safe to call twice. */
  close(deadline: number): Promise<void>;
}

export function createDrain(server: Server): Drain {
  let closing: Promise<void> | undefined;
  let draining = false;
  return {
    get draining() {
      return draining;
    },
    close(deadline) {
      closing ??= new Promise<void>((resolve) => {
        draining = true;
        const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_INTERVAL_MS);
        const hardStop = setTimeout(() => server.closeAllConnections(), Math.max(0, deadline - Date.now()));
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(hardStop);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
