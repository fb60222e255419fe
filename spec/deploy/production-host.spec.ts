// Where the server listens by default: loopback on a laptop, every interface in production
// (NODE_ENV=production, whatever the environment's name, or an environment named production), so that a container's port mapping,
// a PaaS router or a Kubernetes Service reaches it. HOST, a config file and --host still win.
import assert from 'node:assert/strict';
import path from 'node:path';
import { it } from 'node:test';
import { loadConfig } from '../../lib/config/index.js';
import { repoRoot } from '../helpers/paths.js';
import { tempConfig } from '../helpers/temp-dir.js';

const hostOf = (dir: string, env: string, environ: Record<string, string>, overrides?: unknown) =>
  loadConfig({ dir, env, environ, ...(overrides ? { overrides } : {}) }).config.server.host;

it('defaults server.host to 0.0.0.0 when NODE_ENV=production, else 127.0.0.1; HOST, files and flags win', (t) => {
  const empty = tempConfig(t, '');
  assert.equal(hostOf(empty, 'development', {}), '127.0.0.1');
  assert.equal(hostOf(empty, 'production', { NODE_ENV: 'production' }), '0.0.0.0');
  assert.equal(hostOf(empty, 'staging', { CREW_ENV: 'staging', NODE_ENV: 'production' }), '0.0.0.0', 'production is NODE_ENV, whatever the environment name');
  assert.equal(hostOf(empty, 'production', {}), '0.0.0.0', 'an environment named production is production too (lib/config/production.ts)');
  assert.equal(hostOf(empty, 'staging', { NODE_ENV: 'development' }), '127.0.0.1');
  assert.equal(hostOf(empty, 'production', { NODE_ENV: 'production', HOST: '10.0.0.7' }), '10.0.0.7');
  assert.equal(hostOf(empty, 'production', { NODE_ENV: 'production' }, { server: { host: '::1' } }), '::1');
  const pinned = tempConfig(t, 'server: { host: 127.0.0.1 }\n');
  assert.equal(hostOf(pinned, 'production', { NODE_ENV: 'production' }), '127.0.0.1', 'a file that names a host keeps it');
});

it('leaves the host unset in the repository\'s config/default.yaml, so the production default applies to the example', () => {
  assert.equal(hostOf(path.join(repoRoot, 'config'), 'production', { NODE_ENV: 'production' }), '0.0.0.0');
  assert.equal(hostOf(path.join(repoRoot, 'config'), 'development', {}), '127.0.0.1');
});
