// Promise: if the primary dies, even by SIGKILL, this child exits within 2 s. node:cluster
// already exits a worker whose IPC channel drops, but only when its event loop is free to see
// the drop; a thread of its own watches the parent pid and kills the process as soon as the
// parent is gone. Nothing is lost by not waiting for the main thread: with the primary gone,
// the child's stdout has no reader, and cluster's own exit would be just as abrupt.
import { Worker } from 'node:worker_threads';

const WATCH = `
const { workerData } = require('node:worker_threads');
const timer = setInterval(() => {
  if (process.ppid === workerData.ppid) return;
  clearInterval(timer);
  process.kill(workerData.pid, 'SIGKILL');
}, 200);
`;

export function guardAgainstOrphaning(): void {
  const worker = new Worker(WATCH, { eval: true, workerData: { ppid: process.ppid, pid: process.pid }, stdout: false, stderr: false });
  worker.unref();
  worker.on('error', (error) => {
    // Losing the guard leaves cluster's own disconnect handling, which covers a free event loop.
    process.stderr.write(`crew: orphan guard stopped: ${error.message}\n`);
  });
}
