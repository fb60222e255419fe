// Forks one child through node:cluster with its stdio piped to the primary (the log relay reads
// it) and the child entry resolved to an absolute path, and hands it its spec over IPC (never in
// the environment: see lib/protocol/child-spec.ts). When crew itself runs from TypeScript
// sources, or the app is TypeScript, the child gets tsx through an explicit execArgv; the Node
// options of config `nodeArgs` and `--node-args` follow (last, so they win), and a child with a
// debugger gets its own inspector port (see ./inspector-ports.ts).
//
// A head start. `crew start` forks its first child before it has even parsed its flags. That
// child boots Node and loads crew's child runtime while the primary reads flags, config and
// app, then waits, running no user code, until the first forkChild hands it its spec. The two
// boots overlap instead of following each other. A child forked ahead that is not wanted (crew
// refused to start, or the app needs tsx and it has none) is killed; it never printed anything
// or loaded the app. Every file the trick touches:
//   cli/crew.ts                  forkAhead(), before anything else is imported
//   cli/commands/start.ts        prepareAhead(likelyFirstComponent(flags)), once flags are parsed
//   lib/primary/plan.ts          likelyFirstComponent: the plan's first component, from flags alone
//   lib/primary/fork-child.ts    this file: fork ahead, prepare, take it for the first slot, discard
//   lib/primary/child-channel.ts holds `prepare` and `spec` until the child says `waiting`
//   lib/child/primary-link.ts    the child's listener, in place before it says `waiting`
//   lib/child/main.ts            waits for its spec; `prepare` loads the component meanwhile
//   lib/components/registry.ts   runnerFor: the module `prepare` loaded is the one start uses
// Every other child takes the same road without the head start: forked, `waiting`, `spec`.
import cluster from 'node:cluster';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildSpec } from '../protocol/child-spec.js';
import { message } from '../protocol/messages.js';
import { isTypeScript } from '../app/typescript-path.js';
import { ChildChannel } from './child-channel.js';

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

/** How a child's Node runs, besides its spec: the user's Node options and its inspector port. */
export interface Launch {
  nodeArgs: readonly string[];
  /** The port of its debugger, when nodeArgs ask for one (0: Node picks). */
  inspectPort?: number;
}

function execArgvFor(appPath: string | undefined, nodeArgs: readonly string[] = []): string[] {
  const argv = ['--enable-source-maps'];
  if (fromSources || (appPath !== undefined && isTypeScript(appPath))) argv.push('--import', import.meta.resolve('tsx'));
  return [...argv, ...nodeArgs];
}

function fork(execArgv: string[], inspectPort?: number): ChildChannel {
  // With an inspector option in execArgv, cluster appends --inspect-port: the one given here,
  // else the primary's own debug port plus a count of every fork so far, which clashes with a
  // port the user chose and changes at every restart.
  cluster.setupPrimary({ exec: childMain, execArgv, args: [], silent: true, ...(inspectPort !== undefined ? { inspectPort } : {}) });
  return new ChildChannel(cluster.fork());
}

interface Ahead {
  channel: ChildChannel;
  execArgv: string[];
}

let ahead: Ahead | undefined;

/** Forks the child the first forkChild will use; see the top of this file. */
export function forkAhead(): void {
  if (ahead) return;
  const execArgv = execArgvFor(undefined);
  ahead = { channel: fork(execArgv), execArgv };
  process.once('exit', discardAhead);
}

/** Tells the child forked ahead which component it will most likely run, so it loads it while it waits. */
export function prepareAhead(component: string): void {
  ahead?.channel.send(message('prepare', { component }));
}

/** Kills the child forked ahead, when it was not used. */
export function discardAhead(): void {
  ahead?.channel.worker.process.kill('SIGKILL');
  ahead = undefined;
}

function takeAhead(execArgv: string[]): ChildChannel | undefined {
  const taken = ahead;
  ahead = undefined;
  if (!taken) return undefined;
  const child = taken.channel.worker.process;
  const alive = taken.channel.connected && child.exitCode === null && child.signalCode === null;
  if (alive && taken.execArgv.join(' ') === execArgv.join(' ')) return taken.channel;
  child.kill('SIGKILL');
  return undefined;
}

/** A child for `spec`: the one forked ahead when it fits, else a new one. Its spec is on its way. */
export function forkChild(spec: ChildSpec, launch: Launch = { nodeArgs: [] }): ChildChannel {
  const execArgv = execArgvFor(spec.appPath, launch.nodeArgs);
  const channel = takeAhead(execArgv) ?? fork(execArgv, launch.inspectPort);
  channel.send(message('spec', { spec }));
  return channel;
}
