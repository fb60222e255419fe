// Commands from any folder below the project's, the way git finds its repository: the
// operating commands reach the crew started in the project's folder, one-shot commands read its
// config, and `crew start` from a subfolder starts the project's crew, its children running in
// the project's folder. A --json command that fails still prints JSON; `crew scheduler` alone
// says what to name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCrew, runCrewToEnd } from '../helpers/crew-process.js';
import { freePort } from '../helpers/ports.js';
import { get } from '../helpers/http.js';
import { tempDir } from '../helpers/temp-dir.js';

const APP = `export default {
  server(app) { app.use((kctx) => { kctx.body = { cwd: process.cwd() }; }); },
};
`;
// No CREW_CONTROL: the socket is found from the folders, as a user's shell would.
const env = { CREW_CONTROL: undefined };

async function project(t: Parameters<typeof tempDir>[0]) {
  const port = await freePort();
  const dir = fs.realpathSync(tempDir(t, {
    'package.json': '{ "type": "module" }',
    'app.js': APP,
    'config/default.yaml': `app: ./app.js\nserver: { port: ${port} }\nsettings: { from: root }\n`,
    'src/deep/keep.txt': '',
  }));
  return { dir, port, deep: path.join(dir, 'src', 'deep') };
}

test('status, config and stop from a folder below the project reach its crew and its config', async (t) => {
  const { dir, port, deep } = await project(t);
  const crew = runCrew(t, ['start'], { cwd: dir, env });
  await crew.waitFor((r) => /server\.1 ready/.test(r.message), 'server ready');

  const status = await runCrewToEnd(['status', '--json'], { cwd: deep, env });
  assert.equal(status.code, 0, status.stderr);
  assert.equal((JSON.parse(status.stdout) as { pid: number }).pid, crew.process.pid);

  const config = await runCrewToEnd(['config', '--json'], { cwd: deep, env });
  assert.equal(config.code, 0, config.stderr);
  const shown = JSON.parse(config.stdout) as { files: string[]; config: { server: { port: number }; settings: unknown } };
  assert.deepEqual(shown.files, [path.join('config', 'default.yaml')]);
  assert.equal(shown.config.server.port, port);
  assert.deepEqual(shown.config.settings, { from: 'root' });

  const stop = await runCrewToEnd(['stop'], { cwd: deep, env });
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal((await crew.exited).code, 0);
});

test('crew start from a folder below the project starts the project\'s crew, children in the project\'s folder', async (t) => {
  const { dir, port, deep } = await project(t);
  const crew = runCrew(t, ['start', '--server', '2'], { cwd: deep, env });
  await crew.waitForCount((r) => /server\.\d ready/.test(r.message), 2, 'both servers ready');
  // One child was forked ahead of the flags, the other for its slot: both in the project's folder.
  const seen = new Set<string>();
  for (let i = 0; i < 20; i += 1) seen.add(((await get(`http://127.0.0.1:${port}/`)).json() as { cwd: string }).cwd);
  assert.deepEqual([...seen], [dir]);
  const status = await runCrewToEnd(['status', '--json'], { cwd: dir, env });
  assert.equal((JSON.parse(status.stdout) as { pid: number }).pid, crew.process.pid);
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
});

test('a --json command that fails prints a JSON error on stdout', async (t) => {
  const lonely = tempDir(t, { 'package.json': '{}' });
  const status = await runCrewToEnd(['status', '--json'], { cwd: lonely, env });
  assert.equal(status.code, 1);
  const error = JSON.parse(status.stdout) as { error: string; kind: string; exitCode: number };
  assert.equal(error.kind, 'no-crew');
  assert.equal(error.exitCode, 1);
  assert.match(error.error, /^no running crew found for this folder/);
  assert.match(status.stderr, /^crew: no running crew found/);

  const config = await runCrewToEnd(['config', '--json', '--env', '../x'], { cwd: lonely, env });
  assert.equal(config.code, 2);
  assert.deepEqual(Object.keys(JSON.parse(config.stdout) as object), ['error', 'kind', 'exitCode']);
});

test('crew scheduler without a subcommand says what to name, as crew jobs does', async () => {
  const result = await runCrewToEnd(['scheduler']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^crew: crew scheduler: name a command: list, run <name>/);
  assert.doesNotMatch(result.stderr, /Not enough non-option arguments/);
});
