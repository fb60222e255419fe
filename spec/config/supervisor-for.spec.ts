import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crewConfigSchema } from '../../lib/config/schema.js';
import { supervisorFor } from '../../lib/config/supervisor-for.js';

describe('supervisorFor', () => {
  const config = crewConfigSchema.parse({
    supervisor: { grace: '5s', restart: { backoff: { initial: '200ms' } } },
    server: { supervisor: { grace: '1s', restart: { backoff: { max: '2s' } } } },
    worker: { supervisor: { memoryLimit: '256MB', restart: { giveUp: 'stay' } } },
    scheduler: { supervisor: { watchdog: 0 } },
    components: { mailer: { supervisor: { readyTimeout: '1m', restart: { intensity: { max: 1 } } } }, plain: {} },
  });

  it('merges a built-in component’s block over the defaults, key by key', () => {
    const server = supervisorFor(config, 'server');
    assert.equal(server.grace, 1000);
    assert.deepEqual(server.restart.backoff, { initial: 200, factor: 2, max: 2000, resetAfter: 30_000 });
    assert.equal(server.watchdog, 30_000);

    const worker = supervisorFor(config, 'worker');
    assert.equal(worker.memoryLimit, 256 * 1024 * 1024);
    assert.equal(worker.restart.giveUp, 'stay');
    assert.equal(worker.grace, 5000);

    assert.equal(supervisorFor(config, 'scheduler').watchdog, 0);
  });

  it('takes an app-defined component’s block from components.<name>', () => {
    const mailer = supervisorFor(config, 'mailer');
    assert.equal(mailer.readyTimeout, 60_000);
    assert.deepEqual(mailer.restart.intensity, { max: 1, window: 60_000 });
    assert.deepEqual(supervisorFor(config, 'plain'), config.supervisor);
    assert.deepEqual(supervisorFor(config, 'undeclared'), config.supervisor);
  });

  it('returns a fresh object', () => {
    const server = supervisorFor(config, 'server');
    server.restart.backoff.initial = 1;
    assert.equal(config.supervisor.restart.backoff.initial, 200);
    assert.equal(supervisorFor(config, 'server').restart.backoff.initial, 200);
  });
});
