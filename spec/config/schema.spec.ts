import assert from 'node:assert/strict';
import os from 'node:os';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { crewConfigSchema, defaultConfig, PARSE_ONCE } from '../../lib/config/schema.js';

describe('crewConfigSchema', () => {
  it("gives SPEC's defaults for an empty config", () => {
    assert.deepEqual(defaultConfig(), {
      start: { components: ['server'] },
      server: { port: 3000, host: '127.0.0.1', instances: 1, drainDelay: 0 },
      worker: { instances: 1, queues: [] },
      scheduler: {},
      queue: { driver: 'auto', url: '', prefix: 'crew', maxQueued: 100_000, maxPayload: 1024 ** 2, stallInterval: 5000, keepFailed: 10_000, keepSucceeded: 100 },
      supervisor: {
        grace: 8000,
        readyTimeout: 30_000,
        watchdog: 30_000,
        memoryLimit: 0,
        restart: {
          backoff: { initial: 100, factor: 2, max: 30_000, resetAfter: 30_000 },
          intensity: { max: 5, window: 60_000 },
          giveUp: 'exit',
        },
      },
      nodeArgs: [],
      log: { format: 'auto', level: 'info', levels: {}, transports: [] },
      metrics: { port: 0, host: '127.0.0.1' },
      schedules: {},
      components: {},
      settings: {},
    });
  });

  it('treats empty YAML values (null) as "not set"', () => {
    const config = crewConfigSchema.parse({ server: null, supervisor: { grace: null }, log: { levels: null }, components: { mailer: null } });
    assert.equal(config.server.port, 3000);
    assert.equal(config.supervisor.grace, 8000);
    assert.deepEqual(config.log.levels, {});
    assert.deepEqual(config.components.mailer, { instances: 1 });
  });

  it('coerces numeric strings, durations and sizes', () => {
    const config = crewConfigSchema.parse({
      server: { port: '8080', instances: 'max' },
      worker: { instances: '3', queues: 'mail, report' },
      queue: { maxQueued: '10' },
      supervisor: { grace: '2s', readyTimeout: 1500, watchdog: '0', memoryLimit: '512MB', restart: { backoff: { factor: '1.5' } } },
    });
    assert.equal(config.server.port, 8080);
    assert.equal(config.server.instances, 'max');
    assert.equal(config.worker.instances, 3);
    assert.deepEqual(config.worker.queues, ['mail', 'report']);
    assert.equal(config.queue.maxQueued, 10);
    assert.equal(config.supervisor.grace, 2000);
    assert.equal(config.supervisor.readyTimeout, 1500);
    assert.equal(config.supervisor.watchdog, 0);
    assert.equal(config.supervisor.memoryLimit, 512 * 1024 * 1024);
    assert.equal(config.supervisor.restart.backoff.factor, 1.5);
    assert.equal(config.supervisor.restart.backoff.initial, 100, 'untouched siblings keep their defaults');
  });

  it('refuses instance counts above 8 per CPU, naming the limit', () => {
    const limit = 8 * os.availableParallelism();
    for (const input of [{ server: { instances: 100_000 } }, { worker: { instances: limit + 1 } }, { components: { mailer: { instances: '100000' } } }]) {
      const result = crewConfigSchema.safeParse(input);
      assert.equal(result.success, false, JSON.stringify(input));
      const message = result.error.issues.map((issue) => issue.message).join('; ');
      assert.match(message, new RegExp(`from 1 to ${limit}, 8 × this machine's`), JSON.stringify(input));
    }
    assert.equal(crewConfigSchema.parse({ worker: { instances: limit } }).worker.instances, limit);
  });

  it('reads server.drainDelay as a duration', () => {
    assert.equal(crewConfigSchema.parse({ server: { drainDelay: '5s' } }).server.drainDelay, 5000);
    assert.equal(crewConfigSchema.safeParse({ server: { drainDelay: 'soon' } }).success, false);
  });

  it('refuses unknown keys in crew’s own mappings at any depth', () => {
    for (const input of [{ supervisr: {} }, { server: { prot: 1 } }, { supervisor: { restart: { backof: {} } } }, { server: { supervisor: { graec: '1s' } } }, { schedules: { a: { cron: '* * * * *', crn: 'x' } } }]) {
      const result = crewConfigSchema.safeParse(input);
      assert.equal(result.success, false, JSON.stringify(input));
      assert.ok(result.error.issues.some((issue) => issue.code === 'unrecognized_keys'), JSON.stringify(input));
    }
  });

  it('keeps the extra settings of an app-defined component', () => {
    const config = crewConfigSchema.parse({ components: { mailer: { from: 'a@b.c', smtp: { port: 25 }, supervisor: { grace: '20s' } } } });
    assert.deepEqual(config.components.mailer, { instances: 1, from: 'a@b.c', smtp: { port: 25 }, supervisor: { grace: 20_000 } });
  });

  it('checks the shape of schedules and transports, and leaves cron syntax to the scheduler', () => {
    const config = crewConfigSchema.parse({
      schedules: { nightly: { cron: 'not checked here', job: 'report', data: { kind: 'daily' }, timeout: '5m', overlap: 'allow' } },
      log: { transports: [{ type: 'file', filename: 'crew.log', level: 'warn' }], levels: { mailer: 'debug' } },
    });
    assert.deepEqual(config.schedules.nightly, { cron: 'not checked here', job: 'report', data: { kind: 'daily' }, timeout: 300_000, overlap: 'allow' });
    assert.deepEqual(config.log.transports, [{ type: 'file', filename: 'crew.log', level: 'warn' }]);
    for (const input of [
      { schedules: { nightly: { job: 'report' } } },
      { schedules: { nightly: { cron: '* * * * *', overlap: 'queue' } } },
      { log: { transports: [{ type: 'http', filename: 'x' }] } },
      { log: { levels: { worker: 'loud' } } },
    ]) {
      assert.equal(crewConfigSchema.safeParse(input).success, false, JSON.stringify(input));
    }
  });

  it('refuses out-of-range and malformed values', () => {
    for (const input of [
      { server: { port: 0 } },
      { server: { port: 65536 } },
      { server: { port: '30x' } },
      { server: { instances: 0 } },
      { worker: { instances: 'max' } },
      { start: { components: [] } },
      { queue: { url: 'http://example.com' } },
      { queue: { driver: 'kafka' } },
      { supervisor: { readyTimeout: 0 } },
      { supervisor: { grace: '30 days' } },
      { supervisor: { watchdog: '1000h' } },
      { supervisor: { memoryLimit: '1XB' } },
      { supervisor: { restart: { backoff: { factor: 0.5 } } } },
      { supervisor: { restart: { giveUp: 'retry' } } },
    ]) {
      assert.equal(crewConfigSchema.safeParse(input).success, false, JSON.stringify(input));
    }
  });
});

// crew parses configs without zod's compiled parsers (PARSE_ONCE: faster for one parse). The two
// roads must agree on every input, valid or not, down to the issues a user is shown.
describe('crewConfigSchema without compiled parsers', () => {
  it('gives the same value or the same issues as the compiled parse, for random and hostile configs', () => {
    const scalar = fc.oneof(fc.integer({ min: -5, max: 70_000 }), fc.double(), fc.string({ maxLength: 12 }), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.constantFrom('8s', '100ms', 'json', 'pretty', 'warn', 'embedded', 'redis://127.0.0.1:1', '__proto__'));
    const value = fc.letrec((tie) => ({
      any: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('any'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('port', 'host', 'instances', 'level', 'levels', 'format', 'grace', 'url', 'driver', 'x', '__proto__', 'constructor'), tie('any'), { maxKeys: 4 })),
    })).any;
    const sections = fc.dictionary(fc.constantFrom('server', 'worker', 'scheduler', 'queue', 'supervisor', 'log', 'metrics', 'nodeArgs', 'components', 'settings', 'schedules', 'start', 'app', 'bogus'), value, { maxKeys: 6 });
    fc.assert(
      fc.property(fc.oneof(sections, value), (config) => {
        const compiled = crewConfigSchema.safeParse(structuredClone(config));
        const once = crewConfigSchema.safeParse(structuredClone(config), PARSE_ONCE);
        assert.equal(once.success, compiled.success);
        if (once.success && compiled.success) assert.deepEqual(once.data, compiled.data);
        else assert.deepEqual(once.error?.issues, compiled.error?.issues);
      }),
      { numRuns: 2000 },
    );
  });
});
