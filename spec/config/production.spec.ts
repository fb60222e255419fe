// Production follows NODE_ENV whatever the environment's name (and an environment named
// production is production too); an environment with no config file of its own is warned
// about, naming the files read.
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fc from 'fast-check';
import { isProduction } from '../../lib/config/production.js';
import { loadConfig } from '../../lib/config/load.js';
import { runCrew, runCrewToEnd } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { get } from '../helpers/http.js';
import { tempConfig } from '../helpers/temp-dir.js';

describe('isProduction', () => {
  it('is NODE_ENV=production, or an environment named production, and nothing else', () => {
    const word = fc.oneof(fc.constantFrom('production', 'staging', 'prod', 'development', 'test', ' production '), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(word, fc.option(word, { nil: undefined }), (env, nodeEnv) => {
        assert.equal(isProduction(env, { NODE_ENV: nodeEnv }), nodeEnv?.trim() === 'production' || env === 'production');
      }),
    );
  });

  it('gives the server the host 0.0.0.0 in production, unless something sets one', (t) => {
    const dir = tempConfig(t, 'server: { port: 4000 }\n');
    assert.equal(loadConfig({ dir, env: 'staging', environ: { NODE_ENV: 'production' } }).config.server.host, '0.0.0.0');
    assert.equal(loadConfig({ dir, env: 'staging', environ: { NODE_ENV: 'production', HOST: '10.0.0.1' } }).config.server.host, '10.0.0.1');
    assert.equal(loadConfig({ dir, env: 'staging', environ: {} }).config.server.host, '127.0.0.1');
  });
});

test('NODE_ENV=production with CREW_ENV=staging is production: no stacks in errors, no implicit in-memory queue', async (t) => {
  const config = tempConfig(t, '', { 'staging.yaml': 'server: { host: 127.0.0.1 }\n' });
  const environ = { NODE_ENV: 'production', CREW_ENV: 'staging', REDIS_URL: '' };
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server', '--app', fixtureApp('web'), '--port', String(port), '--config', config], { env: environ });
  await crew.waitFor((r) => /server\.1 ready/.test(r.message), 'server ready');
  const reply = await get(`http://127.0.0.1:${port}/boom`);
  assert.equal(reply.status, 500);
  assert.deepEqual(Object.keys(reply.json() as object).sort(), ['error', 'requestId']);
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);

  const worker = await runCrewToEnd(['start', '--worker', '--app', fixtureApp('jobs'), '--config', config], { env: environ });
  assert.equal(worker.code, 2);
  assert.match(worker.stderr, /worker: no Redis URL in production/);
});

test('an environment with no config file of its own is warned about, naming the files read and the one meant', async (t) => {
  const config = tempConfig(t, '', { 'production.yaml': 'queue: { driver: embedded }\n' });
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server', '--app', fixtureApp('web'), '--port', String(port), '--config', config], { env: { CREW_ENV: 'prod' } });
  const warning = await crew.waitFor((r) => r.component === 'crew' && r.level === 'warn', 'the warning');
  assert.equal(
    warning.message,
    `environment "prod" has no ${path.join(config, 'prod.yaml')}, so it runs on the files read: ${path.join(config, 'default.yaml')} (did you mean "production"? environments with a file: production)`,
  );
  await crew.waitFor((r) => /server\.1 ready/.test(r.message), 'server ready');
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);

  const shown = await runCrewToEnd(['config', '--config', config], { env: { CREW_ENV: 'prod' } });
  assert.equal(shown.code, 0);
  assert.match(shown.stderr, /^crew: warning: environment "prod" has no .*prod\.yaml/);

  const quiet = await runCrewToEnd(['config', '--config', config], { env: { CREW_ENV: 'test' } });
  assert.equal(quiet.stderr, '', 'test and development need no file of their own');
});
