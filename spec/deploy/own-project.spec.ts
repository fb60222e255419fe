// crew in someone else's TypeScript project, as the README's "Using crew in your own project"
// tells it: `npm pack`, installed into a fresh folder with typescript and tsx; the README's own
// app, tsconfig, per-environment config and scripts, copied out of README.md. The app
// type-checks under `strict` (the shipped types need Koa's), runs in development from its
// TypeScript source through tsx, and in production from the compiled output with the README's
// Procfile line. One npm install serves it all.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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

describe('crew in a strict TypeScript project of its own, installed from a packed tarball', () => {
  let project: string;
  // npm pack and npm install: slow on a busy machine, so the hook has a bound of its own.
  before(
    () => {
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
    },
    { timeout: 300_000 },
  );
  after(() => fs.rmSync(project, { recursive: true, force: true }));

  it('type-checks the README\'s app under strict (Koa\'s types come with crew) and compiles it', () => {
    assert.ok(fs.existsSync(path.join(project, 'node_modules', '@types', 'koa')), 'Koa\'s types came with crew');
    const options = (JSON.parse(block('// tsconfig.json').replace(/^\/\/.*$/gm, '')) as { compilerOptions: { strict?: boolean; skipLibCheck?: boolean } }).compilerOptions;
    assert.equal(options.strict, true);
    assert.notEqual(options.skipLibCheck, true, 'the shipped types are checked too');
    run(process.execPath, [path.join('node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], project);
    assert.ok(fs.existsSync(path.join(project, 'dist', 'app.js')));
  });

  it('development: `crew start --all` runs src/app.ts through tsx', async (t) => {
    const port = await freePort();
    const crew = runCrew(t, ['start', '--all'], { cwd: project, entry: [path.join(project, 'node_modules', 'crew', 'dist', 'bin', 'crew.js')], env: { NODE_ENV: 'development', PORT: String(port), CREW_CONTROL: undefined, REDIS_URL: undefined } });
    await crew.waitForCount((r) => r.component === 'crew' && / ready in /.test(r.message), 4, 'server, worker, scheduler and poller ready', 30_000);
    await exercise(port, crew);
    crew.signal('SIGTERM');
    assert.equal((await crew.exited).code, 0);
  });

  it('production: the README\'s Procfile line runs the compiled dist/app.js, without the sources', async (t) => {
    const redis = await startRedis(t);
    if (!redis) return;
    assert.ok(fs.existsSync(path.join(project, 'dist', 'app.js')), 'built by the test above');
    const line = /`web: (exec node node_modules\/crew\/dist\/bin\/crew\.js start --all)`/.exec(readme);
    assert.ok(line, 'the README names the Procfile line for a project of one\'s own');
    fs.rmSync(path.join(project, 'src'), { recursive: true });
    const port = await freePort();
    const dyno = runLogged(t, 'sh', ['-c', line[1]!], { cwd: project, env: { PATH: process.env.PATH, HOME: project, NODE_ENV: 'production', PORT: String(port), REDIS_URL: redis.url } });
    await dyno.waitForCount(isReady, 4, 'server, worker, scheduler and poller ready', 30_000);
    await exercise(port, dyno);
    process.kill(-dyno.process.pid!, 'SIGTERM');
    assert.equal((await dyno.exited).code, 0, dyno.stderr());
  });
});
