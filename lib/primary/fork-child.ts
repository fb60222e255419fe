// Forks one child through node:cluster with its stdio piped to the primary (the log relay reads
// it) and the child entry resolved to an absolute path. When crew itself runs from TypeScript
// sources, or the app is TypeScript, the child gets tsx through an explicit execArgv.
import cluster, { type Worker } from 'node:cluster';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHILD_SPEC_VARIABLE, encodeChildSpec, type ChildSpec } from '../protocol/child-spec.js';
import { isTypeScript } from '../app/load-app.js';

// Server instances share their port through the kernel (SCHED_NONE), not through the primary's
// round-robin. With round-robin, a connection the primary accepts in the milliseconds before it
// notices a child died is handed to the dead child and never answered (nodejs/node#21746): a
// client hangs until its own timeout. Sharing the socket, only the dead child's own connections
// fail, and the primary spends no time accepting. NODE_CLUSTER_SCHED_POLICY=rr chooses Node's
// round-robin back; the policy is frozen at the first setupPrimary, so it is set here.
if (!process.env.NODE_CLUSTER_SCHED_POLICY) cluster.schedulingPolicy = cluster.SCHED_NONE;

const here = fileURLToPath(import.meta.url);
const fromSources = here.endsWith('.ts');
const childMain = join(dirname(here), '..', 'child', fromSources ? 'main.ts' : 'main.js');

function execArgvFor(appPath: string): string[] {
  const argv = ['--enable-source-maps'];
  if (fromSources || isTypeScript(appPath)) argv.push('--import', import.meta.resolve('tsx'));
  return argv;
}

export function forkChild(spec: ChildSpec): Worker {
  cluster.setupPrimary({ exec: childMain, execArgv: execArgvFor(spec.appPath), args: [], silent: true });
  return cluster.fork({ [CHILD_SPEC_VARIABLE]: encodeChildSpec(spec) });
}
