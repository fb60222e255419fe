// The entry of every child process: reads what the primary told it, loads the app, starts one
// component, reports ready, and stops it by the deadline the primary sends. Shutdown is the
// primary's decision: a terminal's Ctrl-C reaches the whole process group, so SIGINT is
// ignored here; a SIGTERM sent to this child alone stops it gracefully.
import path from 'node:path';
import { receiveChildSpec } from '../protocol/child-spec.js';
import { message, parsePrimaryMessage, type PrimaryMessage } from '../protocol/messages.js';
import { createChildLogger } from '../log/child-logger.js';
import { AppError, loadApp } from '../app/load-app.js';
import { runnerFor } from '../components/registry.js';
import { FatalStartError, type RunningComponent } from '../components/component.js';
import { createContext } from './context.js';
import { startHeartbeat } from './heartbeat.js';
import { guardAgainstOrphaning } from './orphan-guard.js';
import { createChildQueue } from './child-queue.js';

process.on('SIGINT', () => undefined);
// While a child forked ahead waits for its spec, it loads the component it will likely run. A
// failure to load is ignored here because the start below loads it again and reports it.
const spec = await receiveChildSpec((component) => void runnerFor(component).catch(() => undefined));
const send = (msg: unknown) => {
  if (process.connected) process.send?.(msg);
};
const logger = createChildLogger({ level: spec.config.log.levels[spec.component] ?? spec.config.log.level, recordMark: spec.recordMark });

guardAgainstOrphaning();
startHeartbeat(spec.heartbeatInterval, send);

let running: RunningComponent | undefined;
let stopDeadline: number | undefined;
let stopping: Promise<void> | undefined;

process.on('SIGTERM', () => void stop(Date.now() + spec.grace));

const queue = createChildQueue(spec, send);
const handlers: { [A in PrimaryMessage['act']]: (msg: Extract<PrimaryMessage, { act: A }>) => void } = {
  spec: () => undefined, // received above, before anything else
  prepare: () => undefined,
  stop: (msg) => void stop(msg.deadline),
  queue: (msg) => queue.receive(msg.body),
};
process.on('message', (raw) => {
  const msg = parsePrimaryMessage(raw);
  if (msg) (handlers[msg.act] as (m: PrimaryMessage) => void)(msg);
});
send(message('listening', {}));

async function stop(deadline: number): Promise<void> {
  stopDeadline ??= deadline;
  if (!running) return; // start() finishes first, then sees stopDeadline
  stopping ??= (async () => {
    try {
      await running.stop(deadline);
      await queue.close();
    } catch (error) {
      logger.error(`stopping ${spec.component} failed`, { error: (error as Error).stack });
      process.exitCode = 1;
    }
    process.exit();
  })();
  return stopping;
}

try {
  const app = await loadApp(spec.appPath, path.relative(process.cwd(), spec.appPath) || spec.appPath);
  const jobs = await queue.attach(app, logger);
  const ctx = createContext(spec, logger, queue.enqueue);
  const runner = await runnerFor(spec.component);
  running = await runner({ app, ctx, checks: queue.checks, recordMark: spec.recordMark, ...(jobs ? { queue: jobs } : {}) });
  send(message('ready', {}));
  if (stopDeadline !== undefined) await stop(stopDeadline);
} catch (error) {
  if (error instanceof FatalStartError) {
    // Exit only once the message has left: the primary must not mistake this for a crash.
    if (process.connected) process.send?.(message('fatal', { message: error.message }), () => process.exit(1));
    else process.exit(1);
  } else if (error instanceof AppError) {
    // The app did not load (a syntax error, say: the primary loaded it, but --watch or a deploy
    // may have changed it since). The message says where; a stack of crew's own would not help.
    process.stderr.write(`crew: ${error.message}\n`, () => process.exit(1));
  } else {
    throw error;
  }
}
