// settings: the app's own free-form config, interpolated like the rest, handed to user code as
// ctx.config.settings, and redacted by `crew config` like every other secret-named key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCrew, runCrewToEnd } from '../helpers/crew-process.js';
import { freePort } from '../helpers/ports.js';
import { fixtureApp } from '../helpers/paths.js';
import { get } from '../helpers/http.js';
import { tempConfig, tempDir } from '../helpers/temp-dir.js';

const APP = `export default {
  server(app, ctx) {
    app.use((kctx) => { kctx.body = ctx.config.settings; });
  },
};
`;
const SETTINGS = 'settings:\n  database:\n    host: "${DB_HOST:-db.local}"\n    password: hunter2\n  features: [a, b]\n';

test('settings: reaches user code as ctx.config.settings, with ${VAR} read', async (t) => {
  const dir = tempDir(t, { 'package.json': '{ "type": "module" }', 'app.js': APP });
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server', '--app', 'app.js', '--port', String(port), '--config', tempConfig(t, SETTINGS)], { cwd: dir, env: { DB_HOST: 'db.internal' } });
  await crew.waitFor((r) => /server\.1 ready/.test(r.message), 'server ready');
  const reply = await get(`http://127.0.0.1:${port}/`);
  assert.deepEqual(reply.json(), { database: { host: 'db.internal', password: 'hunter2' }, features: ['a', 'b'] });
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
});

test('crew config shows settings with secret-named keys redacted; settings must be a mapping', async (t) => {
  const config = tempConfig(t, SETTINGS);
  const yaml = await runCrewToEnd(['config', '--config', config]);
  assert.equal(yaml.code, 0, yaml.stderr);
  assert.match(yaml.stdout, /^settings:\n {2}database:\n {4}host: db\.local\n {4}password: "\*\*\*"\n/m);
  const json = await runCrewToEnd(['config', '--json', '--config', config]);
  assert.deepEqual((JSON.parse(json.stdout) as { config: { settings: unknown } }).config.settings, { database: { host: 'db.local', password: '***' }, features: ['a', 'b'] });
  assert.ok(!json.stdout.includes('hunter2') && !yaml.stdout.includes('hunter2'));

  const bad = await runCrewToEnd(['config', '--config', tempConfig(t, 'settings: [a, b]\n')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /default\.yaml: settings: expected a mapping of names, found a list/);
});

test('settings too big to hand to every child are refused before anything starts', async (t) => {
  const big = `settings:\n  blob: "${'x'.repeat(9 * 1024 * 1024)}"\n`;
  const result = await runCrewToEnd(['start', '--server', '2', '--app', fixtureApp('web'), '--config', tempConfig(t, big)]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /default\.yaml: settings: the resolved config is 9(\.\d)?MB \(settings holds 9(\.\d)?MB\); crew hands it to every child, and it must stay under 8MB: keep large data in a file/);
  assert.equal(result.stdout, '');
});
