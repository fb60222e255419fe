// Code that stops loading while crew runs (a save under --watch, a deploy before `crew reload`):
// crew says where, once, for the whole crew, and restarts nobody into it. Under --watch a
// component whose child was stopped waits for the next change; the children not yet replaced
// keep running the code they have; the change that fixes it starts every component again.
// Without --watch the children keep running too, and `crew reload` exits 1 naming them; a
// component that lost its child to such code is given up at once (no restart mends it).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCrew, runCrewToEnd, type CrewProcess, type LogRecord } from '../helpers/crew-process.js';
import { get } from '../helpers/http.js';
import { freePort } from '../helpers/ports.js';
import { tempDir } from '../helpers/temp-dir.js';

// An app with every kind of component, in TypeScript, as a newcomer's project is.
const TS_APP = `import { version } from './lib/version.js';
interface Ctx { body: unknown }
export default {
  server(app: { use(handler: (ctx: Ctx) => void): void }): void {
    app.use((ctx: Ctx) => { ctx.body = { version, pid: process.pid }; });
  },
  jobs: { email: (): void => undefined },
  schedules: { nightly: { cron: '0 3 * * *', run(): void {} } },
  components: { poller: { start(): void {}, stop(): void {} } },
};
`;
const tsVersion = (v: string) => `export const version: number = ${v};\n`;
const JS_APP = `import { version } from './lib/version.js';
export default {
  server(app) { app.use((ctx) => { ctx.body = { version, pid: process.pid }; }); },
  jobs: { email: () => undefined },
  schedules: { nightly: { cron: '0 3 * * *', run() {} } },
  components: { poller: { start() {}, stop() {} } },
};
`;

interface Project {
  dir: string;
  port: number;
  crew: CrewProcess;
  control: string;
  write(file: string, text: string): void;
}

async function project(t: TestContext, args: string[], options: { typescript: boolean; components: string[] }): Promise<Project> {
  const ext = options.typescript ? 'ts' : 'js';
  const dir = tempDir(t, {
    'package.json': '{ "type": "module" }',
    [`app.${ext}`]: options.typescript ? TS_APP : JS_APP,
    [`lib/version.${ext}`]: options.typescript ? tsVersion('1') : 'export const version = 1;\n',
    'config/default.yaml': '',
  });
  const port = await freePort();
  const control = path.join(tempDir(t), 'control.sock');
  const crew = runCrew(t, ['start', ...args, '--app', `app.${ext}`, '--port', String(port)], { cwd: dir, env: { CREW_CONTROL: control } });
  if (args.includes('--watch')) await crew.waitFor((r) => /for changes to sources \(--watch\)$/.test(r.message), 'the watch to begin');
  for (const component of options.components) await crew.waitFor(readies(`${component}.1`), `${component} ready`, 60_000);
  const write = (file: string, text: string) => fs.writeFileSync(path.join(dir, file), text);
  return { dir, port, crew, control, write };
}

const readies = (tag: string) => (r: LogRecord) => r.component === 'crew' && r.message.startsWith(`${tag} ready`);
const reloads = (r: LogRecord) => / changed: reloading \(--watch\)$/.test(r.message);
const served = async (port: number) => (await get(`http://127.0.0.1:${port}/`)).json() as { version: number; pid: number };
const restarts = (r: LogRecord) => / restarting in \d+ ms$/.test(r.message);
/** Records from the first that matches `from` on. */
const since = (records: LogRecord[], from: (r: LogRecord) => boolean) => records.slice(records.findIndex(from));

test('--watch --all, TypeScript: a syntax error is said once with file:line and code; nobody restarts; the fix starts every component again', async (t) => {
  const { port, crew, write } = await project(t, ['--all', '--watch'], { typescript: true, components: ['server', 'worker', 'scheduler', 'poller'] });
  const before = await served(port);

  write('lib/version.ts', tsVersion('1 +'));
  const kept = await crew.waitFor((r) => r.message.startsWith('the app does not load: '), 'the children kept', 60_000);
  assert.equal(kept.message, 'the app does not load: worker.1, scheduler.1, poller.1 keep running the code they have until the sources change (--watch)');
  const window = since(crew.records, reloads);
  const said = window.filter((r) => r.message.includes('lib/version.ts:1:'));
  assert.equal(said.length, 1, 'file:line said once');
  assert.equal(said[0]!.component, 'crew');
  assert.equal(said[0]!.level, 'error');
  assert.equal(said[0]!.message, 'app module app.ts failed to load: SyntaxError: Unexpected ";" at lib/version.ts:1:35\n  export const version: number = 1 +;\n                                    ^');
  assert.ok(window.length <= 10, `${window.length} records after the change:\n${window.map((r) => r.message).join('\n')}`);
  assert.ok(!window.some((r) => /esbuild|node_modules|\n\s+at /.test(r.message)), 'no stack of esbuild or Node');
  assert.deepEqual(await served(port), before, 'the old server still serves');

  write('lib/version.ts', tsVersion('2'));
  await crew.waitForCount(reloads, 2, 'the second reload');
  for (const tag of ['server.1', 'worker.1', 'scheduler.1', 'poller.1']) await crew.waitForCount(readies(tag), 2, `${tag} again`, 60_000);
  await crew.waitFor((r) => r.component === 'crew' && r.childPid === before.pid && / exited /.test(r.message), 'the old server gone');
  assert.equal((await served(port)).version, 2);
  assert.deepEqual(crew.records.filter(restarts), [], 'no restart at any time');

  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
});

test('--watch without a server: the worker, stopped to be replaced, waits for a change at once; the rest keep running', async (t) => {
  const { crew, write } = await project(t, ['--worker', '--scheduler', '--component', 'poller', '--watch'], { typescript: false, components: ['worker', 'scheduler', 'poller'] });

  write('lib/version.js', 'export const version = ;\n');
  await crew.waitFor((r) => r.message === 'worker given up: the app does not load (above); waiting for a change to the sources (--watch)', 'the worker parked');
  await crew.waitFor((r) => r.message === 'the app does not load: scheduler.1, poller.1 keep running the code they have until the sources change (--watch)', 'the rest kept');
  const window = since(crew.records, reloads);
  assert.equal(window.filter((r) => r.message.includes('at lib/version.js:1\n')).length, 1, 'file:line said once');
  assert.ok(window.length <= 12, `${window.length} records after the change:\n${window.map((r) => r.message).join('\n')}`);

  write('lib/version.js', 'export const version = 2;\n');
  for (const tag of ['worker.1', 'scheduler.1', 'poller.1']) await crew.waitForCount(readies(tag), 2, `${tag} again`);
  assert.deepEqual(crew.records.filter(restarts), [], 'no restart at any time');
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
});

test('crew reload into code that does not load keeps every running child and exits 1 naming them', async (t) => {
  const { port, crew, control, write } = await project(t, ['--server', '--worker'], { typescript: false, components: ['server', 'worker'] });
  const before = await served(port);

  write('lib/version.js', 'export const version = ;\n');
  const reload = await runCrewToEnd(['reload'], { env: { CREW_CONTROL: control } });
  assert.equal(reload.code, 1, reload.stdout + reload.stderr);
  assert.match(reload.stderr, /server\.1 was not replaced: the replacement could not load the app; the running child was kept/);
  assert.match(reload.stderr, /worker\.1 was not replaced: the app does not load; the running child was kept/);
  assert.equal(crew.records.filter((r) => r.message.includes('at lib/version.js:1\n')).length, 1, 'file:line said once');
  assert.deepEqual(await served(port), before);

  write('lib/version.js', 'export const version = 2;\n');
  const fixed = await runCrewToEnd(['reload'], { env: { CREW_CONTROL: control } });
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.equal((await served(port)).version, 2);
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
});

test('without --watch, a component whose child cannot load the app is given up at once: no restart mends code that does not parse', async (t) => {
  const { crew, control, write } = await project(t, ['--worker'], { typescript: false, components: ['worker'] });
  write('lib/version.js', 'export const version = ;\n');
  await runCrewToEnd(['reload'], { env: { CREW_CONTROL: control } });
  await crew.waitFor((r) => r.message === 'worker given up: the app does not load (above); stopping crew (giveUp: exit)', 'the give-up');
  assert.equal((await crew.exited).code, 1);
  assert.deepEqual(crew.records.filter(restarts), []);
});
