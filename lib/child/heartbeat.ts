// Beats the child's heart over IPC so the primary's watchdog can tell a live event loop from a
// stuck one. The timer is unref'd: a heartbeat never keeps a child alive.
import { message, type ChildMessage } from '../protocol/messages.js';

export function startHeartbeat(interval: number, send: (msg: ChildMessage) => void): () => void {
  if (interval <= 0) return () => undefined;
  const beat = message('heartbeat', {});
  const timer = setInterval(() => send(beat), interval);
  timer.unref();
  return () => clearInterval(timer);
}
