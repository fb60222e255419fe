// A child's stdout and stderr are the pipes the primary relays from. Node leaves them
// non-blocking, so when the primary cannot pass lines on (its own stdout is behind, and the
// relay has paused reading) every write would be held in this process's memory without bound:
// a flooding child reached hundreds of MB in seconds. Made blocking, a write waits for room in
// the pipe, as a program writing to a full pipe does, and what a child holds stays bounded by
// the pipe. The primary does not count a child's silence against it while its output is behind
// (lib/primary/watchdog-policy.ts): a child waiting on a full pipe is not unresponsive.
import type { Writable } from 'node:stream';

type WithHandle = Writable & { _handle?: { setBlocking?: (blocking: boolean) => number } };

/** Makes the pipes to the primary blocking; a stream that is not a pipe is left as it is. */
export function blockOnFullPipes(streams: readonly Writable[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    const handle = (stream as WithHandle)._handle;
    // setBlocking exists on pipe and TTY handles; a file is written synchronously already.
    if (handle && typeof handle.setBlocking === 'function') handle.setBlocking(true);
  }
}
