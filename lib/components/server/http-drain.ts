// Graceful close of an HTTP server without failing a request that is on its way. It promises:
// - once draining, every response carries `Connection: close`, so a connection that sends a
//   request is closed by Node right after that response: a request begun later is told so by
//   build-app.ts, which asks `draining`; one on its way, whose response has not begun, by the
//   drain itself as it begins (Node keeps a connection's response in flight on its socket);
// - a connection idle at the drain is closed only once it has stayed idle for IDLE_CLOSE_MS
//   (or at the deadline): closing a keep-alive socket the moment it looks idle races the
//   client's next request, already on the wire — under load a busy socket is idle for
//   microseconds between a response and the next request. How long it has been idle is read
//   from Node's own timer on the socket where it can be (./socket-quiet.ts), or, for one that
//   never sent a byte, from when it was accepted, so one left idle long before the drain is
//   closed at once; otherwise it is counted from when the drain saw it;
// - at the deadline, whatever is left is closed, and close() resolves once every connection is.
// Node's http `server.close()` closes idle connections at once (the race above), so accepting
// stops through net.Server's own close instead.
import type { Server, ServerResponse } from 'node:http';
import net, { type Socket } from 'node:net';
import { quietFor } from './socket-quiet.js';

/** How long a connection must have been seen idle before it is closed: no request can still be on its way. */
export const IDLE_CLOSE_MS = 1000;
const LOOK_EVERY_MS = 100;

export interface Drain {
  readonly draining: boolean;
  /** Stops accepting connections; from now on every response carries `Connection: close`. Safe to call twice. */
  stopAccepting(): void;
  /** Stops accepting (if not yet) and resolves when the server has closed, at the latest at `deadline`. Safe to call twice. */
  close(deadline: number): Promise<void>;
}

/** The response pending on the socket, if any (Node's own test in closeIdleConnections). */
function pending(socket: Socket): ServerResponse | undefined {
  return (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
}

function busy(socket: Socket): boolean {
  return pending(socket) !== undefined;
}

/**
 * How long an idle connection has been so, as best known: by Node's timer on it; for one that
 * never sent a byte (a browser's preconnect, a pool's spare), since it was accepted; otherwise
 * 0, and the drain counts from when it saw it.
 */
function idleFor(socket: Socket, accepted: number, now: number): number {
  return quietFor(socket) ?? (socket.bytesRead === 0 ? Math.max(0, now - accepted) : 0);
}

export interface DrainOptions {
  /** How long a connection must have been idle before it is closed (default IDLE_CLOSE_MS). */
  idleCloseMs?: number;
}

export function createDrain(server: Server, { idleCloseMs = IDLE_CLOSE_MS }: DrainOptions = {}): Drain {
  /** Each open connection, with when it was accepted (Date.now()). */
  const sockets = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    sockets.set(socket, Date.now());
    socket.once('close', () => sockets.delete(socket));
  });
  let draining = false;
  let closed!: () => void;
  const serverClosed = new Promise<void>((resolve) => (closed = resolve));
  let closing: Promise<void> | undefined;
  const stopAccepting = () => {
    if (draining) return;
    draining = true;
    net.Server.prototype.close.call(server, () => closed());
    for (const socket of sockets.keys()) {
      const response = pending(socket);
      if (response !== undefined && !response.headersSent) response.setHeader('Connection', 'close');
    }
  };
  return {
    get draining() {
      return draining;
    },
    stopAccepting,
    close(deadline) {
      stopAccepting();
      closing ??= new Promise<void>((resolve) => {
        const idleSince = new Map<Socket, number>();
        const look = () => {
          const now = Date.now();
          for (const [socket, accepted] of sockets) {
            if (busy(socket)) {
              idleSince.delete(socket);
              continue;
            }
            let since = idleSince.get(socket);
            if (since === undefined) {
              since = now - idleFor(socket, accepted, now);
              idleSince.set(socket, since);
            }
            if (now - since >= idleCloseMs) socket.destroy();
          }
        };
        const looking = setInterval(look, LOOK_EVERY_MS);
        const hardStop = setTimeout(() => {
          server.closeAllConnections();
          for (const socket of sockets.keys()) socket.destroy();
        }, Math.max(0, deadline - Date.now()));
        void serverClosed.then(() => {
          clearInterval(looking);
          clearTimeout(hardStop);
          resolve();
        });
        look();
      });
      return closing;
    },
  };
}
