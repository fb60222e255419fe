// Promise: if the primary dies, even by SIGKILL, this child and every process it started are
// gone within 2 s. node:cluster already exits a worker whose IPC channel drops, but only when
// its event loop is free to see the drop (its exit handler then ends the child's subprocesses:
// see ./main.ts); a thread of its own watches the parent pid and, as soon as the parent is
// gone, kills this child's whole tree, itself last. Nothing is lost by not waiting for the main
// thread: with the primary gone, the child's stdout has no reader, and cluster's own exit
// would be just as abrupt.
//
// The thread is let go once a graceful stop begins (a Node process with a thread to join takes
// tens of milliseconds longer to exit): from then on the primary is alive and holds the
// deadline, and cluster's disconnect still ends a child whose event loop is free.
import { Worker } from 'node:worker_threads';
import { descendantsOf, killTree } from '../util/process-tree.js';

const POLL_MS = 200;

// The thread runs the tree walk's own source text (lib/util/process-tree.ts keeps it
// self-contained for this): a thread of its own cannot import the bundle's modules.
const WATCH = `
const { workerData } = require('node:worker_threads');
${descendantsOf.toString()}
${killTree.toString()}
const timer = setInterval(() => {
  if (process.ppid === workerData.ppid) return;
  clearInterval(timer);
  ${killTree.name}(workerData.pid, true, require);
}, ${POLL_MS});
`;

/** Starts the guard; the function it returns lets it go. */
export function guardAgainstOrphaning(): () => void {
  const worker = new Worker(WATCH, { eval: true, workerData: { ppid: process.ppid, pid: process.pid }, stdout: false, stderr: false });
  worker.unref();
  let released = false;
  worker.on('error', (error) => {
    // Losing the guard leaves cluster's own disconnect handling, which covers a free event loop.
    if (!released) process.stderr.write(`crew: orphan guard stopped: ${error.message}\n`);
  });
  return () => {
    released = true;
    void worker.terminate();
  };
}
