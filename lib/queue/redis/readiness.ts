// node-redis 3 connects, sends AUTH (when it has a password) and INFO (its ready check), and
// says 'ready' only when both succeed. When one fails — a wrong password, a Redis that has
// started to require one (NOAUTH) — it emits the error and then sits on the open socket for
// good: nothing reconnects, and every command waits in its offline queue, even once the
// password is right again. crew treats a failed readiness as a lost connection: the socket is
// closed and the client's retry strategy reconnects, with its backoff. bee-queue's blocking
// connections are duplicates of the command client and get the same treatment.
import type { RedisV3Client } from './bee.js';

/** `onFailure` hears every failed readiness, of the client or of any duplicate (`original` false). */
export function reconnectOnFailedReadiness(client: RedisV3Client, onFailure: (error: unknown, original: boolean) => void, original = true): RedisV3Client {
  client.on('error', (error: unknown) => {
    // A connected client that is not ready is in its AUTH / ready check: this error failed it.
    // (Errors of a connection already gone are the loss's echo: the retry strategy has it.)
    if (!client.connected || client.ready) return;
    onFailure(error, original);
    client.stream.destroy();
  });
  const duplicate = client.duplicate.bind(client);
  client.duplicate = () => reconnectOnFailedReadiness(duplicate(), onFailure, false);
  return client;
}
