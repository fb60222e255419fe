// Turns signals into supervisor verbs and nothing more: the first SIGTERM/SIGINT stops
// gracefully, a second one kills at once, SIGHUP reloads (a rolling restart).
import type { Supervisor } from './supervisor.js';

export function handleSignals(supervisor: Supervisor): () => void {
  let stops = 0;
  const onStop = (signal: NodeJS.Signals) => {
    stops += 1;
    if (stops === 1) void supervisor.stop(`received ${signal}`);
    else supervisor.kill(`received ${signal} again`);
  };
  const onHup = () => void supervisor.reload('received SIGHUP');
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  process.on('SIGHUP', onHup);
  return () => {
    process.off('SIGTERM', onStop);
    process.off('SIGINT', onStop);
    process.off('SIGHUP', onHup);
  };
}
