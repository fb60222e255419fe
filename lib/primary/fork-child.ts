// Forks one child through node:cluster with its stdio piped to the primary (the log relay reads
// it) and the child entry resolved to an absolute path. When crew itself runs from TypeScript
// sources, or the app is TypeScript, the child gets tsx through an explicit execArgv.
//
// A head start: `crew start` forks its first child before it has even parsed its flags
// (forkAhead, from cli/crew.ts). That child boots Node and loads crew's child runtime while the
// primary reads flags, config and app, then waits, running no user code, until the first
// forkChild hands it its spec. The two boots overlap instead of following each other. A child
// forked ahead that is not wanted (crew refused to start, or the app needs tsx and it has none)
// is killed; it never printed anything or loaded the app.
import cluster, { type Worker } from 'node:cluster';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHILD_SPEC_VARIABLE, encodeChildSpec, type ChildSpec } from '../protocol/child-spec.js';
import { message, parseChildMessage, type PrimaryMessage } from '../protocol/messages.js';
import { isTypeScript } from '../app/load-app.js';

// Server instances share their port through the kernel (SCHED_NONE), not through the primary's
// round-robin. With round-robin, a connection the primary accepts in the milliseconds before it
// notices a child died is handed to the dead child and never answered (nodejs/node#21746): a
// client hangs until its own timeout. Sharing the socket, only the dead child's own connections
// fail, and the primary spends no time accepting. NODE_CLUSTER_SCHED_POLICY=rr chooses Node's
// round-robin back; the policy is frozen at the first setupPrimary, so it is set here.
if (!process.env.NODE_CLUSTER_SCHED_POLICY) cluster.schedulingPolicy = cluster.SCHED_NONE;

// The bundle (esbuild.config.mjs) is built with CREW_CHILD_ENTRY set to where the child entry
// lies relative to the bundle's files; unbundled, it is in this module's sibling folder.
declare const CREW_CHILD_ENTRY: string | undefined;

const here = fileURLToPath(import.meta.url);
const fromSources = here.endsWith('.ts');
const childMain = join(dirname(here), typeof CREW_CHILD_ENTRY === 'string' ? CREW_CHILD_ENTRY : join('..', 'child', fromSources ? 'main.ts' : 'main.js'));

function execArgvFor(appPath: string | undefined): string[] {
  const argv = ['--enable-source-maps'];
  if (fromSources || (appPath !== undefined && isTypeScript(appPath))) argv.push('--import', import.meta.resolve('tsx'));
  return argv;
}

interface Ahead {
  worker: Worker;
  execArgv: string[];
  /** It said `waiting`: messages sent now are heard. Until then they wait here. */
  listening: boolean;
  unsent: PrimaryMessage[];
}

let ahead: Ahead | undefined;

/** Forks the child the first forkChild will use; see the top of this file. */
export function forkAhead(): void {
  if (ahead) return;
  const execArgv = execArgvFor(undefined);
  cluster.setupPrimary({ exec: childMain, execArgv, args: [], silent: true });
  const early: Ahead = { worker: cluster.fork(), execArgv, listening: false, unsent: [] };
  early.worker.on('message', (raw: unknown) => {
    if (parseChildMessage(raw)?.act !== 'waiting') return;
    early.listening = true;
    for (const msg of early.unsent.splice(0)) early.worker.send(msg);
  });
  ahead = early;
  process.once('exit', discardAhead);
}

function tell(early: Ahead, msg: PrimaryMessage): void {
  if (early.listening) early.worker.send(msg);
  else early.unsent.push(msg);
}

/** Tells the child forked ahead which component it will most likely run, so it loads it while it waits. */
export function prepareAhead(component: string): void {
  if (ahead) tell(ahead, message('prepare', { component }));
}

/** Kills the child forked ahead, when it was not used. */
export function discardAhead(): void {
  ahead?.worker.process.kill('SIGKILL');
  ahead = undefined;
}

function takeAhead(execArgv: string[]): Ahead | undefined {
  const taken = ahead;
  ahead = undefined;
  if (!taken) return undefined;
  const alive = taken.worker.isConnected() && taken.worker.process.exitCode === null && taken.worker.process.signalCode === null;
  if (alive && taken.execArgv.join(' ') === execArgv.join(' ')) return taken;
  taken.worker.process.kill('SIGKILL');
  return undefined;
}

export function forkChild(spec: ChildSpec): Worker {
  const execArgv = execArgvFor(spec.appPath);
  const early = takeAhead(execArgv);
  if (early) {
    tell(early, message('spec', { spec: encodeChildSpec(spec) }));
    return early.worker;
  }
  cluster.setupPrimary({ exec: childMain, execArgv, args: [], silent: true });
  return cluster.fork({ [CHILD_SPEC_VARIABLE]: encodeChildSpec(spec) });
}
