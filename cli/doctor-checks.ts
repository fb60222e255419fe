// The checks behind `crew doctor`, in the order `crew start` meets them. A check that cannot
// run because an earlier one failed is left out rather than failed twice.
import { loadProject, type Project } from '../lib/project/load-project.js';
import { resolveSchedules } from '../lib/schedule/validate.js';
import { resolveDriver } from '../lib/queue/resolve-driver.js';
import { isProduction } from '../lib/config/production.js';
import { redisOptions, redisTarget, type RedisTarget } from '../lib/config/redis-url.js';
import { isCredentialsError, redisErrorText } from '../lib/queue/redis/redis-errors.js';
import { callControl } from '../lib/control/client.js';
import { findControlSocket } from '../lib/control/socket-path.js';
import { portProblem } from '../lib/util/port-probe.js';
import { projectFrom, type ProjectArgs } from './commands/scheduler/project-options.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const REDIS_TIMEOUT_MS = 2000;

export async function runChecks(argv: ProjectArgs): Promise<Check[]> {
  const checks: Check[] = [nodeVersion()];
  let project: Project;
  try {
    project = await loadProject(projectFrom(argv));
    const defined = [`${Object.keys(project.app.jobs ?? {}).length} jobs`, `${Object.keys(project.app.schedules ?? {}).length} app schedules`, `${Object.keys(project.app.components ?? {}).length} components`];
    const production = isProduction(project.env, process.env) ? ' (production)' : '';
    checks.push({ name: 'config', ok: true, detail: `env ${project.env}${production}, ${project.loaded.files.length} file(s) read` });
    for (const warning of project.loaded.warnings) checks.push({ name: 'config', ok: true, detail: `warning: ${warning}` });
    checks.push({ name: 'app', ok: true, detail: `${project.appShown} loads (${defined.join(', ')})` });
  } catch (error) {
    checks.push({ name: 'config and app', ok: false, detail: (error as Error).message });
    return checks;
  }
  try {
    const schedules = resolveSchedules(project.app, project.config, project.blame);
    checks.push({ name: 'schedules', ok: true, detail: `${schedules.length} valid` });
  } catch (error) {
    checks.push({ name: 'schedules', ok: false, detail: (error as Error).message });
  }
  checks.push(await queue(project));
  const running = await runningCrew();
  checks.push(running.check);
  if (!running.found) checks.push(await port(project));
  return checks;
}

function nodeVersion(): Check {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > 20 || (major === 20 && minor >= 19);
  return { name: 'node', ok, detail: ok ? `v${process.versions.node}` : `v${process.versions.node} is too old: crew needs Node 20.19 or newer` };
}

async function queue(project: Project): Promise<Check> {
  let driver: string;
  try {
    driver = resolveDriver(project.config.queue);
  } catch (error) {
    return { name: 'queue', ok: false, detail: (error as Error).message };
  }
  const jobs = Object.keys(project.app.jobs ?? {}).length;
  if (driver === 'embedded' && project.config.queue.driver === 'auto' && jobs > 0 && isProduction(project.env, process.env)) {
    return { name: 'queue', ok: false, detail: 'no Redis URL in production, so a worker would be refused: set REDIS_URL or queue.url, or choose the in-memory queue explicitly with `queue: { driver: embedded }`' };
  }
  if (driver === 'embedded') return { name: 'queue', ok: true, detail: 'embedded (in the primary\'s memory; jobs do not survive a restart)' };
  let target: RedisTarget;
  try {
    target = redisTarget(project.config.queue.url);
  } catch (error) {
    return { name: 'queue', ok: false, detail: (error as Error).message };
  }
  const { shown } = target;
  const { createClient } = await import('redis');
  // The same parsed setting the queue and the tick lock connect with: never the URL itself.
  const client = createClient({ ...redisOptions(target, { connectTimeout: REDIS_TIMEOUT_MS, reconnectStrategy: false as const }), disableOfflineQueue: true });
  client.on('error', () => undefined); // the connect() rejection below reports it
  try {
    await client.connect();
    await client.ping();
    return { name: 'queue', ok: true, detail: `redis at ${shown} answers` };
  } catch (error) {
    // Only the error's redacted message: node-redis's error object is never shown.
    const why = redisErrorText(error);
    if (isCredentialsError(error)) return { name: 'queue', ok: false, detail: `redis at ${shown} refuses the credentials (${why}): fix the user and password in REDIS_URL / queue.url` };
    return { name: 'queue', ok: false, detail: `redis at ${shown} does not answer (${why}): start Redis or fix REDIS_URL / queue.url` };
  } finally {
    await client.close().catch(() => {
      // Never connected, or already gone: there is nothing to close, and the check said why.
      if (client.isOpen) client.destroy();
    });
  }
}

async function runningCrew(): Promise<{ found: boolean; check: Check }> {
  const socket = findControlSocket(process.cwd(), process.env);
  try {
    const status = (await callControl(socket, 'status', undefined, 2000)) as { pid: number; children: unknown[] };
    return { found: true, check: { name: 'running crew', ok: true, detail: `pid ${status.pid} answers with ${status.children.length} children (its port is in use by it)` } };
  } catch (error) {
    // No crew answering is the usual case before a start, not a failure; the reason is shown.
    return { found: false, check: { name: 'running crew', ok: true, detail: `none for this folder (${(error as Error).name === 'NoCrewError' ? 'no control socket answers' : (error as Error).message})` } };
  }
}

async function port(project: Project): Promise<Check> {
  const { port: wanted, host } = project.config.server;
  const problem = await portProblem(wanted, host);
  return problem ? { name: 'port', ok: false, detail: problem } : { name: 'port', ok: true, detail: `${host}:${wanted} is free` };
}
