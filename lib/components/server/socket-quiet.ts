// How long a socket has had nothing on it, read from the timer Node keeps on it, so that the
// drain need not watch an idle keep-alive connection for a whole second to learn what Node
// already knows: a connection a browser or a load balancer left idle a while ago is closed at
// once, and a shutdown with one open takes milliseconds, not a second.
//
// Node's HTTP server arms a socket's timer (`socket.setTimeout`: its keep-alive timeout after a
// response, or `server.timeout`) and every read or write on the socket restarts it; the timer
// holds when it last started (`_idleStart`, on the event loop's clock). None of that is public
// API, so every step is checked: a socket without a live timer (keep-alive timeouts switched
// off, a connection that has not yet sent a request) answers `undefined`, and the drain then
// watches it as before.
import type { Socket } from 'node:net';

interface NodeTimer {
  _idleStart?: unknown;
  _destroyed?: unknown;
}

let timerKey: symbol | undefined;

/** The timer Node keeps on the socket, under a symbol of its own, looked up until found. */
function timerOf(socket: Socket): NodeTimer | undefined {
  timerKey ??= Object.getOwnPropertySymbols(socket).find((symbol) => symbol.description === 'timeout');
  if (timerKey === undefined) return undefined;
  const timer = (socket as unknown as Record<symbol, unknown>)[timerKey];
  return typeof timer === 'object' && timer !== null ? (timer as NodeTimer) : undefined;
}

/** The event loop's clock, as Node's timers read it: the start of a timer made now. */
function loopNow(): number | undefined {
  const probe = setTimeout(noop, 1);
  clearTimeout(probe);
  const start = (probe as unknown as NodeTimer)._idleStart;
  return typeof start === 'number' ? start : undefined;
}

function noop(): void {}

/**
 * Milliseconds since the socket's last read or write, by its own timer; undefined when that
 * cannot be known (no live timer), which the caller must treat as "just now".
 */
export function quietFor(socket: Socket): number | undefined {
  const timer = timerOf(socket);
  if (timer === undefined || timer._destroyed !== false || typeof timer._idleStart !== 'number') return undefined;
  const now = loopNow();
  if (now === undefined) return undefined;
  const quiet = now - timer._idleStart;
  return quiet >= 0 ? quiet : undefined;
}
