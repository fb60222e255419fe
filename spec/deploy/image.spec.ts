// The image as users run it, without a Docker engine: the Dockerfile's run stage reproduced in
// a folder (what .dockerignore leaves, `npm ci --omit=dev`, the build output), then
// - its ENTRYPOINT and CMD in a fresh PID namespace, tini as PID 1, as an unprivileged user:
//   every component comes up (a runtime dependency left in devDependencies would stop it),
//   `crew health` says 0, an orphan re-parented to PID 1 is reaped, SIGTERM to PID 1 ends in
//   exit 0 within the grace with nothing left, and `crew health` then says 1;
// - the Procfile's line from the same folder, as a PaaS runs it (sh, PORT, NODE_ENV=production,
//   SIGTERM to every process): reachable on an address other than loopback, exit 0.
// One production install serves every test here.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { repoRoot } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { startRedis } from '../helpers/redis-server.js';
import { get } from '../helpers/http.js';
import { canRunAsPid1, reproduceImage, type Image } from './image.js';
import { isReady, runLogged } from './run-logged.js';
import { childrenOf, pidNamespace, processesIn, processInfo, until } from './processes.js';

const GRACE_MS = 8000;
/** An unprivileged user for the image's `USER node`, when the specs run as root. */
const NOBODY = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'] : [];

let image: Image;
let root: string;

/** The environment a container gets: the image's ENV, PATH, nothing of this machine's. */
const containerEnv = (more: Record<string, string>): NodeJS.ProcessEnv => ({ PATH: `${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: '/tmp', ...image.env, ...more });

/** How many children crew said it starts: "starting server×1, worker×1, ..." */
const plannedChildren = (message: string): number => [...message.matchAll(/×(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);

/** `crew health` as the image's HEALTHCHECK runs it: same user, the image's working folder. */
function health(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [command, ...args] = [...NOBODY, ...image.healthcheck!.command];
  return new Promise((resolve, reject) => {
    const child = spawn(command!, args, { cwd: image.dir, env: containerEnv({}), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the image, reproduced from the Dockerfile without a Docker engine', () => {
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'crew-image-'));
    // Readable by the unprivileged user the image runs as.
    fs.chmodSync(root, 0o755);
    image = reproduceImage(repoRoot, root);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('runs node under tini as a user without privileges, with SIGTERM, a HEALTHCHECK on crew health and production dependencies only', () => {
    assert.deepEqual(image.entrypoint, ['/usr/bin/tini', '--'], 'tini is PID 1');
    assert.deepEqual(image.cmd, ['node', 'dist/bin/crew.js', 'start', '--all'], 'node itself, no npm or npx');
    assert.equal(image.stopSignal, 'SIGTERM');
    assert.deepEqual(image.exposed, ['3000']);
    assert.equal(image.user, 'node');
    assert.equal(image.env.NODE_ENV, 'production');
    assert.deepEqual(image.healthcheck?.command.slice(0, 3), ['node', 'dist/bin/crew.js', 'health']);
    const probeTimeout = Number.parseInt(image.healthcheck!.flags.timeout ?? '30', 10);
    const ownTimeout = Number.parseInt(image.healthcheck!.command[image.healthcheck!.command.indexOf('--timeout') + 1] ?? '5', 10);
    assert.ok(ownTimeout < probeTimeout, `crew health gives up (${ownTimeout} s) before Docker's probe timeout (${probeTimeout} s), so its reason is kept`);

    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const installed = (where: string) => fs.existsSync(path.join(image.dir, where, 'package.json'));
    assert.deepEqual(Object.keys(pkg.dependencies).filter((name) => !installed(`node_modules/${name}`)), [], 'every runtime dependency is installed');
    // What only development needs (the lockfile's "dev" packages: typescript, esbuild, eslint, ...).
    const devOnly = Object.entries(lock.packages).filter(([where, entry]) => where !== '' && entry.dev === true).map(([where]) => where);
    assert.ok(devOnly.some((where) => where === 'node_modules/typescript'), 'the lockfile marks development packages');
    assert.deepEqual(devOnly.filter(installed), [], 'no development-only package is installed');
    for (const built of ['dist/bin/crew.js', 'dist/lib/index.js', 'dist/example/app.js', 'config/default.yaml']) {
      assert.ok(fs.existsSync(path.join(image.dir, built)), `${built} is in the image`);
    }
    for (const absent of ['lib', 'spec', 'dist/spec', 'dist/bench', '.git']) assert.ok(!fs.existsSync(path.join(image.dir, absent)), `${absent} stays out of the image`);
  });

  it('runs its CMD under tini as PID 1: every component ready, crew health 0, orphans reaped, SIGTERM exits 0 within the grace, nothing left, crew health 1', async (t) => {
    const missing = canRunAsPid1();
    if (missing) {
      process.stderr.write(`NOTICE: ${missing}: skipping the PID 1 spec\n`);
      t.skip(missing);
      return;
    }
    const redis = await startRedis(t);
    if (!redis) return;
    const port = await freePort();
    const env = containerEnv({ PORT: String(port), REDIS_URL: redis.url });
    const container = runLogged(t, 'unshare', ['--pid', '--fork', '--mount-proc', ...NOBODY, ...image.entrypoint, ...image.cmd], { cwd: image.dir, env });

    const starting = await container.waitFor((r) => r.component === 'crew' && r.message.startsWith('starting '), 'crew starting', 20_000);
    const children = plannedChildren(starting.message);
    assert.ok(children >= 4, `--all starts server, worker, scheduler and the example's component (${starting.message})`);
    await container.waitForCount(isReady, children, `${children} children ready`, 30_000);

    const [init] = childrenOf(container.process.pid!);
    assert.equal(processInfo(init!)?.comm, 'tini', 'PID 1 of the namespace is tini');
    const namespace = pidNamespace(init!)!;
    const members = processesIn(namespace);
    const primary = members.find((p) => p.ppid === init && p.comm !== 'tini');
    assert.ok(primary, 'crew runs as the child of tini');
    assert.equal(members.filter((p) => p.ppid === primary.pid).length, children, `the primary's children are the ${children} components`);

    await t.test('crew health answers 0 while every component runs', async () => {
      const reply = await get(`http://127.0.0.1:${port}/_health`);
      assert.equal(reply.status, 200, reply.body);
      const result = await health();
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^healthy: server\.1, worker\.1, scheduler\.1, \S+ ready; GET http:\/\/127\.0\.0\.1:\d+\/_health answered 200/);
    });

    await t.test('an orphan re-parented to PID 1 is reaped, not left a zombie', async () => {
      // A process whose parent exits goes to the namespace's PID 1, as a child's `cmd &` would.
      const made = spawnSync('nsenter', ['--target', String(init), '--pid', '--mount', '--', 'sh', '-c', 'sleep 1 </dev/null >/dev/null 2>&1 &'], { encoding: 'utf8' });
      assert.equal(made.status, 0, made.stderr);
      const orphan = processesIn(namespace).find((p) => p.comm === 'sleep');
      assert.ok(orphan, 'the orphan runs in the namespace');
      assert.equal(orphan.ppid, init, 'it was re-parented to PID 1');
      await until(() => processInfo(orphan.pid) === undefined, `the orphan (pid ${orphan.pid}) to be reaped; it is ${processInfo(orphan.pid)?.state ?? 'gone'}`, 5000);
    });

    await t.test(`SIGTERM to PID 1: crew drains and exits 0 within the grace (${GRACE_MS} ms), and no process is left`, async () => {
      const sent = Date.now();
      process.kill(init!, 'SIGTERM');
      const exit = await container.exited;
      const ms = Date.now() - sent;
      t.diagnostic(`SIGTERM to PID 1 -> exit ${exit.code} in ${ms} ms`);
      assert.equal(exit.code, 0, `exit ${JSON.stringify(exit)}; stderr: ${container.stderr()}`);
      assert.ok(ms < GRACE_MS, `exited in ${ms} ms`);
      assert.ok(container.records.some((r) => r.component === 'crew' && /^shutting down/.test(r.message) && /SIGTERM/.test(r.message)), 'crew got the SIGTERM tini passed on');
      assert.ok(container.records.some((r) => r.component === 'crew' && /^stopped in \d+ ms \(exit code 0\)/.test(r.message)));
      await until(() => members.every((p) => processInfo(p.pid) === undefined), 'every process of the container to be gone', 2000);
    });

    await t.test('crew health answers 1, in one line, once the crew is gone', async () => {
      const result = await health();
      assert.equal(result.code, 1);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.match(result.stderr, /^crew: not healthy: no running crew found for this folder/);
    });
  });

  it('runs the Procfile line with PORT and NODE_ENV=production: reachable from outside the machine, and SIGTERM to every process exits 0', async (t: TestContext) => {
    const redis = await startRedis(t);
    if (!redis) return;
    const line = fs
      .readFileSync(path.join(repoRoot, 'Procfile'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('web:'));
    assert.ok(line, 'the Procfile has a web process');
    const command = line.slice('web:'.length).trim();
    assert.doesNotMatch(command, /\b(npm|npx|yarn|pnpm)\b/, 'the web process is node itself, so the SIGTERM reaches crew');
    const port = await freePort();
    // What a PaaS provides: PORT, NODE_ENV=production and a Redis add-on's REDIS_URL.
    const dyno = runLogged(t, 'sh', ['-c', command], { cwd: image.dir, env: { PATH: process.env.PATH, HOME: '/tmp', PORT: String(port), NODE_ENV: 'production', REDIS_URL: redis.url } });
    const starting = await dyno.waitFor((r) => r.component === 'crew' && r.message.startsWith('starting '), 'crew starting', 20_000);
    await dyno.waitForCount(isReady, plannedChildren(starting.message), 'every child ready', 30_000);
    const listening = dyno.records.find((r) => r.component === 'server' && /^listening on /.test(r.message));
    assert.equal(listening?.host, '0.0.0.0', 'in production the server listens on every interface');
    assert.equal(listening?.port, port, 'on $PORT');

    const outside = Object.values(os.networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal);
    if (outside) {
      const reply = await get(`http://${outside.address}:${port}/_ping`);
      assert.equal(reply.status, 200, `reachable on ${outside.address}`);
    } else {
      t.diagnostic('this machine has no address but loopback: checked the listen address only');
    }

    // A PaaS stops a dyno with SIGTERM to every process in it, then SIGKILL 30 s later.
    const sent = Date.now();
    process.kill(-dyno.process.pid!, 'SIGTERM');
    const exit = await dyno.exited;
    t.diagnostic(`SIGTERM to every process -> exit ${exit.code} in ${Date.now() - sent} ms`);
    assert.equal(exit.code, 0, `exit ${JSON.stringify(exit)}; stderr: ${dyno.stderr()}`);
    assert.ok(Date.now() - sent < 30_000);
  });
});
