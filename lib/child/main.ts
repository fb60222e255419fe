// The entry of every child process: listens to the primary, waits for its spec, loads the app,
// starts one component, reports ready, and stops it when the primary says. It promises:
// - a stop while the component is still starting (its spec not come yet, a worker waiting for
//   Redis, an app component whose `start` has not resolved) exits at once: nothing is in flight;
// - a stop of a started component quiets it (takes no new work, reported as `quiet`), lets it
//   finish by the deadline, closes the queue without waiting on a hung client past a moment,
//   ends what its user code left running, and exits: at once when nothing is left;
// - whatever the way out (a stop, a crash, the primary's death), no process this child started
//   outlives it (lib/util/process-tree.ts; the orphan guard covers a stuck event loop).
// Shutdown is the primary's decision: a terminal's Ctrl-C reaches the whole process group, so
// SIGINT is ignored here; a SIGTERM sent to this child alone stops it as the primary would.
import path from 'node:path';
import { createRequire } from 'node:module';
import type { ChildSpec } from '../protocol/child-spec.js';
import { message } from '../protocol/messages.js';
import { AppError, loadApp, mendedOnlyByChange } from '../app/load-app.js';
import { runnerFor } from '../components/registry.js';
import { FatalStartError, type RunningComponent } from '../components/component.js';
import { descendantsOf, killTree, signalDescendants } from '../util/process-tree.js';
import { settlesWithin } from '../util/with-timeout.js';
import { createContext } from './context.js';
import { startHeartbeat } from './heartbeat.js';
import { guardAgainstOrphaning } from './orphan-guard.js';
import { createChildQueue, type ChildQueue } from './child-queue.js';
import { linkToPrimary } from './primary-link.js';
import { createChildLogger } from '../log/child-logger.js';
import { enableMetrics, metricsReport } from '../metrics/recorder.js';
import { blockOnFullPipes } from './blocking-output.js';

/** How long the last metrics report may take to leave as the child stops. */
const FINAL_REPORT_WAIT_MS = 100;
/** How long the queue's clients may take to say goodbye: a frozen Redis never answers QUIT. */
const CLOSE_WAIT_MS = 250;
/** Leftover subprocesses are SIGKILLed this long before the deadline, ahead of the primary's kill. */
const LEFTOVER_MARGIN_MS = 200;
const LEFTOVER_POLL_MS = 20;

const load = createRequire(import.meta.url);
blockOnFullPipes();
process.on('SIGINT', () => undefined);
// Runs on every exit but a SIGKILL of this process (which the primary or the guard sends only
// after walking the tree themselves): synchronous, as an exit handler must be.
process.on('exit', () => killTree(process.pid, false, load));

let spec: ChildSpec | undefined;
let queue: ChildQueue | undefined = undefined;
let running: RunningComponent | undefined;
let stopping = false;
let releaseGuard = () => undefined as void;
let receivedSpec!: (spec: ChildSpec) => void;
const specArrived = new Promise<ChildSpec>((resolve) => (receivedSpec = resolve));

const link = linkToPrimary({
  spec: (msg) => {
    if (spec) return;
    spec = msg.spec;
    receivedSpec(msg.spec);
  },
  // While a child forked ahead waits for its spec, it loads the component it will likely run.
  // A failure to load is ignored here because the start below loads it again and reports it.
  prepare: (msg) => void runnerFor(msg.component).catch(() => undefined),
  stop: (msg) => stop(msg.deadline, msg.quietAt),
  queue: (msg) => queue?.receive(msg.body),
  // Metrics off: the primary does not ask, and there is nothing to send.
  collect: (msg) => {
    const report = metricsReport();
    if (report) link.send(message('metrics', { seq: msg.seq, report }));
  },
});
process.on('SIGTERM', () => stop(Date.now() + (spec?.grace ?? 0), Date.now()));

function stop(deadline: number, quietAt: number): void {
  if (stopping) return;
  stopping = true;
  // Not started (or still starting): nothing in flight, nothing to finish.
  if (!running) process.exit(0);
  const component = running;
  releaseGuard();
  void (async () => {
    let code = 0;
    try {
      await component.quiet?.(quietAt);
      link.send(message('quiet', {}));
      await component.stop(deadline);
    } catch (error) {
      process.stderr.write(`crew: stopping ${spec?.component ?? 'the component'} failed: ${(error as Error).stack ?? String(error)}\n`);
      code = 1;
    }
    if (queue) await settlesWithin(queue.close(), Math.min(CLOSE_WAIT_MS, deadline - Date.now()));
    await endLeftovers(deadline - LEFTOVER_MARGIN_MS);
    // Counted since the last scrape: the primary keeps it past this child's exit.
    const report = metricsReport();
    if (report) await settlesWithin(new Promise<void>((resolve) => link.sendThen(message('metrics', { seq: 0, report }), resolve)), FINAL_REPORT_WAIT_MS);
    process.exit(code);
  })();
}

/** What the component's user code left running gets SIGTERM and until `until`; the exit handler kills the rest. */
async function endLeftovers(until: number): Promise<void> {
  if (signalDescendants(process.pid, 'SIGTERM', load) === 0) return;
  while (Date.now() < until && descendantsOf(process.pid, load).length > 0) {
    await new Promise((resolve) => setTimeout(resolve, LEFTOVER_POLL_MS));
  }
}

const me = await specArrived;
if (me.config.metrics.port > 0) enableMetrics();
releaseGuard = guardAgainstOrphaning();
startHeartbeat(me.heartbeatInterval, link.send);
const logger = createChildLogger({ level: me.config.log.levels[me.component] ?? me.config.log.level, recordMark: me.recordMark });
queue = createChildQueue(me, link.send);

try {
  const app = await loadApp(me.appPath, path.relative(process.cwd(), me.appPath) || me.appPath);
  const jobs = await queue.attach(app, logger);
  const ctx = createContext(me, logger, queue.enqueue);
  const runner = await runnerFor(me.component);
  const started = await runner({ app, ctx, checks: queue.checks, recordMark: me.recordMark, ...(jobs ? { queue: jobs } : {}) });
  // A stop during the start has exited already; from here a stop goes through the component.
  running = started;
  link.send(message('ready', {}));
} catch (error) {
  if (error instanceof FatalStartError) {
    // Exit only once the message has left: the primary must not mistake this for a crash.
    link.sendThen(message('fatal', { message: error.message }), () => process.exit(1));
  } else if (error instanceof AppError && mendedOnlyByChange(error)) {
    // The app did not load (a syntax error, say: the primary loaded it, but --watch or a deploy
    // may have changed it since). Every child would say the same: the primary reports it once,
    // and restarts nobody until the sources change.
    link.sendThen(message('loadFailed', { message: error.message }), () => process.exit(1));
  } else if (error instanceof AppError) {
    // The app's own code threw while it loaded: its stack is the app's, and a restart may mend it.
    process.stderr.write(`crew: ${error.message}\n`, () => process.exit(1));
  } else {
    throw error;
  }
}
