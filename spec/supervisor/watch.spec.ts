// `crew start --watch`: a change to a source file reloads every child, with one reload per
// burst of changes and none for files that are not sources; broken code keeps the running
// children (spec/supervisor/load-failure.spec.ts has the rest of that story), and the next
// change replaces them; a config change is reported, not applied.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCrew, type CrewProcess, type LogRecord } from '../helpers/crew-process.js';
import { get } from '../helpers/http.js';
import { freePort } from '../helpers/ports.js';
import { tempDir } from '../helpers/temp-dir.js';

const APP = `import { version } from './lib/version.js';
export default {
  server(app) { app.use((ctx) => { ctx.body = { version, pid: process.pid }; }); },
  jobs: { noop: () => undefined },
};
`;
const version = (v: number | string) => `export const version = ${v};\n`;

async function watchedProject(t: TestContext, config = ''): Promise<{ dir: string; port: number; crew: CrewProcess; write(file: string, text: string): void }> {
  const dir = tempDir(t, { 'package.json': '{ "type": "module" }', 'app.js': APP, 'lib/version.js': version(1), 'config/default.yaml': config });
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server', '--worker', '--app', 'app.js', '--port', String(port), '--watch'], { cwd: dir });
  await crew.waitFor((r) => /for changes to sources \(--watch\)$/.test(r.message), 'the watch to begin');
  await crew.waitFor((r) => r.message.startsWith('server.1 ready'), 'server ready');
  await crew.waitFor((r) => r.message.startsWith('worker.1 ready'), 'worker ready');
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  };
  return { dir, port, crew, write };
}

const served = async (port: number) => (await get(`http://127.0.0.1:${port}/`)).json() as { version: number; pid: number };
const reloads = (r: LogRecord) => / changed: reloading \(--watch\)$/.test(r.message);
const readies = (tag: string) => (r: LogRecord) => r.component === 'crew' && r.message.startsWith(`${tag} ready`);
// The old server stops once its replacement is ready; until then either may answer.
const exitOf = (pid: number) => (r: LogRecord) => r.component === 'crew' && r.childPid === pid && / exited /.test(r.message);

test('--watch: a changed source reloads every child once; files that are not sources do not', async (t) => {
  const { port, crew, write } = await watchedProject(t);
  const before = await served(port);
  assert.equal(before.version, 1);

  // Not sources: a dependency, a dot-folder, a text file. Then, in the same burst, a source.
  write('node_modules/dep/index.js', 'export default 1;\n');
  write('.cache/built.js', 'export default 1;\n');
  write('notes.txt', 'hello\n');
  write('lib/version.js', version(2));
  const [reload] = await crew.waitForCount(reloads, 1, 'the reload');
  assert.deepEqual(reload!.changed, ['lib/version.js']);
  await crew.waitForCount(readies('server.1'), 2, 'the new server ready');
  await crew.waitForCount(readies('worker.1'), 2, 'the new worker ready');
  await crew.waitFor(exitOf(before.pid), 'the old server gone');
  const after = await served(port);
  assert.equal(after.version, 2);
  assert.notEqual(after.pid, before.pid);

  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
  assert.equal(crew.records.filter(reloads).length, 1);
});

test('--watch: broken code keeps every running child, said once with file:line, until the next change fixes it', async (t) => {
  const { port, crew, write } = await watchedProject(t);
  const first = await served(port);
  const worker = await crew.waitFor((r) => r.component === 'worker' && typeof r.pid === 'number', 'a line of the worker');
  write('lib/version.js', version(''));
  await crew.waitFor((r) => r.message === 'server.1: the replacement could not load the app; keeping the running child', 'the server kept');
  await crew.waitFor((r) => r.message === 'the app does not load: worker.1 keeps running the code it has until the sources change (--watch)', 'the worker kept');
  const failures = crew.records.filter((r) => r.message.includes('failed to load'));
  assert.equal(failures.length, 1, 'said once, by crew');
  assert.equal(failures[0]!.component, 'crew');
  assert.match(failures[0]!.message, /^app module app\.js failed to load: SyntaxError: Unexpected token ';' at lib\/version\.js:1\n {2}export const version = ;/);
  assert.deepEqual(await served(port), first);
  assert.ok(!crew.records.some((r) => r.component === 'crew' && r.childPid === worker.pid && / exited /.test(r.message)), 'the worker was not stopped');

  write('lib/version.js', version(3));
  await crew.waitForCount(reloads, 2, 'the second reload');
  await crew.waitForCount(readies('worker.1'), 2, 'the worker replaced');
  await crew.waitForCount(readies('server.1'), 2, 'the new server ready');
  await crew.waitFor(exitOf(first.pid), 'the old server gone');
  assert.equal((await served(port)).version, 3);

  crew.signal('SIGTERM');
  // Everything runs again: a clean stop.
  assert.equal((await crew.exited).code, 0);
});

test('--watch: a changed config file is reported with what to do, and reloads nothing', async (t) => {
  const { crew, write } = await watchedProject(t);
  write('config/default.yaml', 'server: { port: 1 }\n');
  const notice = await crew.waitFor((r) => r.message.startsWith('config/default.yaml changed'), 'the notice');
  assert.match(notice.message, /stop and start crew to apply it/);
  // A source changed afterwards reloads, and names only itself.
  write('app.js', `${APP}// edited\n`);
  const [reload] = await crew.waitForCount(reloads, 1, 'the reload');
  assert.deepEqual(reload!.changed, ['app.js']);
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
  assert.equal(crew.records.filter(reloads).length, 1);
});

test('--watch in production works, and warns that it is meant for development', async (t) => {
  const dir = tempDir(t, { 'package.json': '{ "type": "module" }', 'app.js': APP, 'lib/version.js': version(1), 'config/default.yaml': '' });
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server', '--app', 'app.js', '--port', String(port), '--watch'], { cwd: dir, env: { NODE_ENV: 'production' } });
  const warning = await crew.waitFor((r) => r.message.startsWith('--watch is meant for development'), 'the warning');
  assert.equal(warning.level, 'warn');
  await crew.waitFor((r) => /for changes to sources \(--watch\)$/.test(r.message), 'the watch to begin');
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
});
