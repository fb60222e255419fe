// Beats the child's heart over IPC so the primary's watchdog can tell a live event loop from a
// stuck one. Each beat carries the child's activity counters (lib/metrics/recorder.ts), which
// `crew status` turns into requests and jobs per second: they cost one small object per beat,
// nothing on the way of a request or a job. The timer is unref'd: a heartbeat never keeps a
// child alive.
import { message, type ChildMessage } from '../protocol/messages.js';
import { activity } from '../metrics/recorder.js';

export function startHeartbeat(interval: number, send: (msg: ChildMessage) => void): () => void {
  if (interval <= 0) return () => undefined;
  const timer = setInterval(() => send(message('heartbeat', { activity: activity() })), interval);
  timer.unref();
  return () => clearInterval(timer);
}
