// Refusals before anything is forked (exit 2, naming the flag or key), help text, and the
// deprecated alias.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCrew, runCrewToEnd } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { tempConfig, tempDir } from '../helpers/temp-dir.js';

const app = () => fixtureApp('components');

test('an unknown flag exits 2 naming it', async (t) => {
  const result = await runCrewToEnd(['start', '--server', '--sevrer-count', '2', '--app', app(), '--config', tempConfig(t, '')]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /sevrer-count/);
  assert.doesNotMatch(result.stdout, /started/);
});

test('bad flag values exit 2 naming the flag', async (t) => {
  const config = tempConfig(t, '');
  const cases: Array<[string[], RegExp]> = [
    [['--server', 'lots'], /--server: expected a number of instances.*found "lots"/],
    [['--worker', '0'], /--worker: expected a number of instances of at least 1/],
    [['--server', '--port', '99999'], /--port: expected a port number/],
    [['--server', '--grace', 'soon'], /--grace: expected a duration/],
    [['--server', '--log-level', 'loud'], /--log-level: expected LEVEL/],
    [['--server', '--log-format', 'xml'], /log-format/],
    [['--component', 'nope'], /--component nope: the app defines no component "nope"/],
    [['--scheduler'], /--scheduler: neither the app nor the config defines schedules/],
  ];
  for (const [flags, expected] of cases) {
    const result = await runCrewToEnd(['start', ...flags, '--app', app(), '--config', config]);
    assert.equal(result.code, 2, `${flags.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, expected, flags.join(' '));
  }
});

test('a worker without jobs is a clear error, exit 2', async (t) => {
  const result = await runCrewToEnd(['start', '--worker', '--app', fixtureApp('web'), '--config', tempConfig(t, '')]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--worker: the app defines no jobs/);
});

test('bad config exits 2 naming the file, the key, what was expected and what was found', async (t) => {
  const config = tempConfig(t, 'server:\n  port: 3000\n', { 'production.yaml': 'server:\n  port: lots\n' });
  const result = await runCrewToEnd(['start', '--server', '--app', app(), '--config', config, '--env', 'production']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /production\.yaml/);
  assert.match(result.stderr, /server\.port/);
  assert.match(result.stderr, /lots/);
  assert.equal(result.stdout, '', 'nothing started, nothing logged');

  const typo = await runCrewToEnd(['start', '--server', '--app', app(), '--config', tempConfig(t, 'supervisr:\n  grace: 2s\n')]);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /supervisr/);
});

test('a missing app module exits 2 and says how to point at one', async (t) => {
  const result = await runCrewToEnd(['start', '--server', '--app', './nowhere/app.js', '--config', tempConfig(t, '')]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /nowhere\/app\.js does not exist/);
});

test('a syntax error in a module the app imports exits 2 naming the file, the line and the spot', async (t) => {
  const dir = tempDir(t, {
    'package.json': '{ "type": "module" }',
    'app.js': "import { greeting } from './lib/greeting.js';\nexport default { server(app) { app.use((ctx) => { ctx.body = greeting; }); } };\n",
    'lib/greeting.js': "export const greeting = 'hi';\nexport const broken = ;\n",
  });
  const result = await runCrewToEnd(['start', '--server', '--app', 'app.js', '--config', tempConfig(t, '')], { cwd: dir });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /app module app\.js failed to load: SyntaxError: Unexpected token ';' at lib\/greeting\.js:2\n {2}export const broken = ;\n {2} +\^/);
  assert.doesNotMatch(result.stderr, /node:internal/);
});

test('crew --help and crew start --help show examples', async () => {
  const top = await runCrewToEnd(['--help']);
  assert.equal(top.code, 0);
  assert.match(top.stdout, /crew start --all/);
  const start = await runCrewToEnd(['start', '--help']);
  assert.equal(start.code, 0);
  for (const flag of ['--server', '--worker', '--scheduler', '--component', '--all', '--queues', '--port', '--host', '--log-format', '--log-level', '--grace', '--watch', '--env', '--config', '--app']) {
    assert.ok(start.stdout.includes(flag), `help lists ${flag}`);
  }
  assert.match(start.stdout, /Examples:/);
});

test('no command is a usage error', async () => {
  const result = await runCrewToEnd([]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /crew start --all/);
});

test('--server-and-worker works and warns once, naming the new flags', async (t) => {
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server-and-worker', '--app', fixtureApp('jobs'), '--port', String(port), '--config', tempConfig(t, '')], {
    env: { CREW_CONTROL: path.join(tempDir(t), 'control.sock') },
  });
  await crew.waitFor((r) => /^server\.1 ready/.test(r.message), 'server ready');
  await crew.waitFor((r) => /^worker\.1 ready/.test(r.message), 'worker ready');
  const warnings = crew.records.filter((r) => r.component === 'crew' && /--server-and-worker/.test(r.message));
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]!.level, 'warn');
  assert.match(warnings[0]!.message, /use --server --worker/);
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
});

test('the deprecated alias with an app that has no jobs is refused like --worker', async (t) => {
  const result = await runCrewToEnd(['start', '--server-and-worker', '--app', fixtureApp('web'), '--config', tempConfig(t, '')]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /the app defines no jobs/);
});

test('start with no component flag runs config start.components', async (t) => {
  const crew = runCrew(t, ['start', '--app', app(), '--config', tempConfig(t, 'start:\n  components: [steady]\n')]);
  await crew.waitFor((r) => /^steady\.1 ready/.test(r.message), 'steady ready');
  crew.signal('SIGINT');
  assert.equal((await crew.exited).code, 0);
  assert.ok(!crew.records.some((r) => /^server\.1/.test(r.message)));
});
