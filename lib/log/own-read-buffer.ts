// Reads a child's output pipe into one buffer of the relay's own, instead of a new buffer per
// read. A Node stream hands out every read as a fresh 64 KiB buffer, freed only when the
// collector next runs; under a flood that allocation, and the stream machinery around each
// chunk, cost the primary about as much as relaying the lines (docs/benchmarks.md, "Log relay
// throughput"). Node's sockets can read into a buffer given to them (`onread`); the pipe the
// child was forked with is taken over by such a socket. It promises:
//
// - every byte the child wrote arrives once and in order, what the first socket had read
//   already included (a child forked ahead may have written before its relay was attached);
// - a read is handed over as a view of the own buffer, valid only during the call: whoever
//   keeps bytes past it copies them (the line splitter copies its partial last line);
// - `false` from the callback stops reading until resume(), as pause() does;
// - anything that is not a pipe socket with a handle to take over is left as it is (undefined).
//
// The first socket gives up its handle, so it never closes: its ChildProcess never emits
// 'close' ('exit' is unchanged). crew waits for the new socket's end instead.
import net from 'node:net';
import type { Readable } from 'node:stream';

const READ_BYTES = 64 * 1024;

interface PipeHandle {
  readStop(): number;
  useUserBuffer(buffer: Uint8Array): void;
  reading: boolean;
}

export interface OwnRead {
  /** The socket now reading the pipe: listen to its 'end', 'close' and 'error', pause and resume it. */
  socket: net.Socket;
  /** What the first socket had read before the takeover, in order: to be relayed first. */
  early: Buffer[];
}

/** Takes `stream`'s pipe over; each read goes to `onRead(bytes)`. Undefined when it cannot. */
export function readIntoOwnBuffer(stream: Readable, onRead: (bytes: Buffer) => boolean): OwnRead | undefined {
  if (!(stream instanceof net.Socket)) return undefined;
  const holder = stream as unknown as { _handle?: PipeHandle | null };
  const handle = holder._handle;
  if (!handle || typeof handle.useUserBuffer !== 'function' || typeof handle.readStop !== 'function' || stream.readableEnded || stream.destroyed) return undefined;
  const early: Buffer[] = [];
  for (let chunk = stream.read() as Buffer | null; chunk !== null; chunk = stream.read() as Buffer | null) early.push(chunk);
  handle.readStop();
  handle.reading = false;
  holder._handle = null;
  const buffer = Buffer.allocUnsafeSlow(READ_BYTES);
  // `handle` is how Node's own child_process wraps a pipe in a socket; it is not in the types.
  const options = { handle, readable: true, writable: false, onread: { buffer, callback: (n: number) => onRead(buffer.subarray(0, n)) } };
  const socket = new net.Socket(options as net.SocketConstructorOpts);
  return { socket, early };
}
