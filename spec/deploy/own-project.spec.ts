// crew in someone else's TypeScript project, as the README's "Using crew in your own project"
// tells it: `npm pack`, installed into a fresh folder with typescript and tsx; the README's own
// app, tsconfig, per-environment config and scripts, copied out of README.md. The app
// type-checks under `strict` (the shipped types need Koa's), runs in development from its
// TypeScript source through tsx, and in production from the compiled output with the README's
// Procfile line and no tsx. One npm install serves it all; the three checks then run side by
// side (production waits for the compiled output).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCrew } from '../helpers/crew-process.js';
import { get } from '../helpers/http.js';
import { repoRoot } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { startRedis } from '../helpers/redis-server.js';
import { isReady, runLogged } from './run-logged.js';

const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

const blocks = [...readme.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** The README's fenced block whose first line is `first` (a `// file` or `# file` comment). */
function block(first: string): string {
  const found = blocks.find((text) => text.startsWith(`${first}\n`));
  if (found === undefined) throw new Error(`README.md has no code block starting with "${first}"`);
  return found;
}

const versionOf = (name: string) => (JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
/** Runs a command to its end, without blocking the other checks meanwhile. */
const runAsync = (command: string, args: string[], cwd: string) =>
  new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`))));
  });
const run = (command: string, args: string[], cwd: string) => {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NODE_ENV: '' } });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
};

const exercise = async (port: number, crew: { waitFor: (match: (r: { component: string; message: string }) => boolean, what: string, timeoutMs?: number) => Promise<unknown> }) => {
  const reply = await get(`http://127.0.0.1:${port}/hello`);
  assert.equal(reply.status, 200, reply.body);
  assert.match(reply.body, /^\{"id":"\d+"\}$/);
  await crew.waitFor((r) => r.component === 'worker' && r.message === 'mailing ada@example.com', 'the job the route enqueued to run', 20_000);
};

/** Does the server child (its pid from its "listening" record) run with tsx loaded? */
const serverUsesTsx = (records: ReadonlyArray<{ component: string; message: string; pid: number }>) => {
  const server = records.find((r) => r.component === 'server' && r.message.startsWith('listening on '));
  assert.ok(server, 'the server said where it listens');
  return fs.readFileSync(`/proc/${server.pid}/cmdline`, 'utf8').includes('tsx');
};

describe('crew in a strict TypeScript project of its own, installed from a packed tarball', { concurrency: true }, () => {
  let project: string;
  let compiled: Promise<void>;
  before(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'crew-own-project-'));
    const files: Record<string, string> = {
      'src/app.ts': block('// src/app.ts'),
      'tsconfig.json': block('// tsconfig.json'),
      'config/development.yaml': block('# config/development.yaml'),
      'config/production.yaml': block('# config/production.yaml'),
    };
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(project, name)), { recursive: true });
      fs.writeFileSync(path.join(project, name), text);
    }
    const manifest = blocks.find((text) => text.startsWith('{\n') && text.includes('"scripts"'));
    assert.ok(manifest, 'the README shows the package.json scripts');
    const scripts = JSON.parse(manifest) as Record<string, unknown>;
    assert.equal(scripts.type, 'module');
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'my-app', version: '1.0.0', private: true, ...scripts }, null, 2));
    // The versions this checkout already has, so the npm cache answers when it can.
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', project], repoRoot)) as Array<{ filename: string }>;
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', `./${packed[0]!.filename}`, `typescript@${versionOf('typescript')}`, `tsx@${versionOf('tsx')}`], project);
    compiled = runAsync(process.execPath, [path.join('node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], project);
    // Each check awaits it; one that fails reports it.
    compiled.catch(() => undefined);
  });
  after(() => fs.rmSync(project, { recursive: true, force: true }));

  it('type-checks the README\'s app under strict (Koa\'s types come with crew) and compiles it', async () => {
    assert.ok(fs.existsSync(path.join(project, 'node_modules', '@types', 'koa')), 'Koa\'s types came with crew');
    const options = (JSON.parse(block('// tsconfig.json').replace(/^\/\/.*$/gm, '')) as { compilerOptions: { strict?: boolean; skipLibCheck?: boolean } }).compilerOptions;
    assert.equal(options.strict, true);
    assert.notEqual(options.skipLibCheck, true, 'the shipped types are checked too');
    await compiled;
    assert.ok(fs.existsSync(path.join(project, 'dist', 'app.js')));
  });

  it('development: `crew start --all` runs src/app.ts through tsx', async (t) => {
    const port = await freePort();
    const crew = runCrew(t, ['start', '--all'], {
      cwd: project,
      entry: [path.join(project, 'node_modules', 'crew', 'dist', 'bin', 'crew.js')],
      env: { NODE_ENV: 'development', PORT: String(port), CREW_CONTROL: path.join(project, 'development.sock'), REDIS_URL: undefined },
    });
    await crew.waitForCount((r) => r.component === 'crew' && / ready in /.test(r.message), 4, 'server, worker, scheduler and poller ready', 30_000);
    assert.ok(serverUsesTsx(crew.records), 'the children load tsx');
    await exercise(port, crew);
    crew.signal('SIGTERM');
    assert.equal((await crew.exited).code, 0);
  });

  it('production: the README\'s Procfile line runs the compiled dist/app.js with plain node', async (t) => {
    const redis = await startRedis(t);
    if (!redis) return;
    const line = /`web: (exec node node_modules\/crew\/dist\/bin\/crew\.js start --all)`/.exec(readme);
    assert.ok(line, 'the README names the Procfile line for a project of one\'s own');
    await compiled;
    const port = await freePort();
    const env = { PATH: process.env.PATH, HOME: project, NODE_ENV: 'production', PORT: String(port), REDIS_URL: redis.url, CREW_CONTROL: path.join(project, 'production.sock') };
    const dyno = runLogged(t, 'sh', ['-c', line[1]!], { cwd: project, env });
    await dyno.waitForCount(isReady, 4, 'server, worker, scheduler and poller ready', 30_000);
    assert.ok(!serverUsesTsx(dyno.records), 'no tsx in production');
    await exercise(port, dyno);
    process.kill(-dyno.process.pid!, 'SIGTERM');
    assert.equal((await dyno.exited).code, 0, dyno.stderr());
  });
});
