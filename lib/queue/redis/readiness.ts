// node-redis 3 connects, sends AUTH (when it has a password) and INFO (its ready check), and
// says 'ready' when INFO succeeds. Two failures follow from that:
// - when INFO fails — a wrong password, a Redis that has started to require one (NOAUTH) —
//   it emits the error and then sits on the open socket for good: nothing reconnects, and
//   every command waits in its offline queue, even once the password is right again;
// - when AUTH fails but INFO succeeds (a user Redis does not know, on a Redis whose default
//   user needs no password), it goes on as the default user, as if the credentials had been
//   accepted.
// crew treats a failed AUTH or ready check as a lost connection: that connection never becomes
// ready, its socket is closed, and the client's retry strategy reconnects with its backoff, so
// credentials put right on the server are picked up by the next attempt. The socket is closed
// on the next turn, not inside node-redis's own emit: its parser is still reading the replies
// of that chunk, and a socket closed under it makes its offline-queue replay spin forever.
// bee-queue's blocking connections are duplicates of the command client and get the same.
//
// bee-queue itself ends a connection whose first ready check fails, synchronously, inside that
// emit: the replies left in the chunk then find no command waiting for them, and node-redis 3
// throws (uncaught). Such replies are dropped here: their commands were already failed.
import type { RedisV3Client } from './bee.js';

interface Internals {
  on_ready(this: Internals): void;
  return_reply(this: Internals, reply: unknown): void;
  return_error(this: Internals, error: unknown): void;
  command_queue: { length: number };
  pub_sub_mode: number;
  monitoring: boolean;
}

/** `onFailure` hears every failed readiness, of the client or of any duplicate (`original` false). */
export function reconnectOnFailedReadiness(client: RedisV3Client, onFailure: (error: unknown, original: boolean) => void, original = true): RedisV3Client {
  const internals = client as unknown as Internals;
  const onReady = internals.on_ready;
  /** This connection's AUTH or ready check failed: it is not to become ready. */
  let failed = false;
  client.on('connect', () => {
    failed = false;
  });
  internals.on_ready = function () {
    if (!failed) onReady.call(this);
  };
  for (const name of ['return_reply', 'return_error'] as const) {
    const handle = internals[name];
    internals[name] = function (value: unknown) {
      // Outside pub/sub and MONITOR every reply answers a command; with none waiting, the
      // connection was ended while this chunk was being read.
      if (this.command_queue.length === 0 && this.pub_sub_mode === 0 && !this.monitoring) return;
      handle.call(this, value);
    };
  }
  client.on('error', (error: unknown) => {
    // Only errors of a connected client that is not ready: those of its AUTH / ready check.
    // (Errors of a connection already gone are the loss's echo: the retry strategy has it.)
    if (!client.connected || client.ready || failed) return;
    failed = true;
    onFailure(error, original);
    const socket = client.stream;
    setImmediate(() => {
      if (client.stream === socket) socket.destroy();
    });
  });
  const duplicate = client.duplicate.bind(client);
  client.duplicate = () => reconnectOnFailedReadiness(duplicate(), onFailure, false);
  return client;
}
