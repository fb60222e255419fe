// node-redis v3 writes every command to its socket at once: one write(2) per command, and a
// bee-queue job takes four (BRPOPLPUSH, HGET, SREM of the stall set, the MULTI that finishes
// it). On a busy worker those syscalls are most of its CPU: each runs the loopback TCP stack
// and wakes Redis. Corked until the end of the event loop's turn, the socket sends every
// command issued in that turn in one writev(2) instead; nothing is reordered, and no command
// waits longer than the rest of the turn that issued it.
//
// The client's `write` is the one place all its commands pass (MULTI's queue included), so the
// cork is taken there; the socket is the client's current one, which a reconnection replaces.
// `duplicate()` is wrapped too: bee-queue's blocking and subscriber connections are duplicates.
import type { Socket } from 'node:net';
import type { RedisV3Client } from './bee.js';

interface ClientInternals {
  stream: Socket;
  write(this: ClientInternals, data: string | Buffer): void;
  duplicate(options?: object, callback?: unknown): RedisV3Client;
}

export function coalesceWrites(client: RedisV3Client): RedisV3Client {
  const internals = client as unknown as ClientInternals;
  const write = internals.write;
  let corked: Socket | undefined;
  internals.write = function (data) {
    const socket = this.stream;
    if (socket !== corked) {
      corked = socket;
      socket.cork();
      setImmediate(() => {
        if (corked === socket) corked = undefined;
        socket.uncork();
      });
    }
    write.call(this, data);
  };
  const duplicate = internals.duplicate;
  internals.duplicate = function (...args) {
    return coalesceWrites(duplicate.apply(this, args));
  };
  return client;
}
