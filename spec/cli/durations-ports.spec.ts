// Durations and ports as people write them. A bare number under 100 for a duration is almost
// surely seconds (`--grace 5`, `grace: 5`): refused with the fix, in config and on the command
// line alike, while units and bare milliseconds from 100 keep working. --port and server.port
// accept the same ports, 1 to 65535.
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseGrace, parsePort } from '../../cli/options.js';
import { crewConfigSchema } from '../../lib/config/schema.js';
import { runCrewToEnd } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { tempConfig } from '../helpers/temp-dir.js';

const graceInConfig = (value: unknown) => crewConfigSchema.safeParse({ supervisor: { grace: value } });
const flagAccepts = (parse: (value: unknown) => unknown, value: unknown) => {
  try {
    parse(value);
    return true;
  } catch {
    // Refused: what the property compares.
    return false;
  }
};

describe('durations', () => {
  it('refuses a bare number from just above 0 to below 100, as a flag and in config, saying how to fix it', () => {
    const bare = fc.oneof(fc.integer({ min: 1, max: 99 }), fc.double({ min: 0.01, max: 99.99, noNaN: true }).map((n) => Math.round(n * 100) / 100));
    fc.assert(
      fc.property(bare, fc.boolean(), (n, asString) => {
        const value = asString ? String(n) : n;
        assert.throws(() => parseGrace(String(n)), { message: `--grace ${n}: ${n} ms? write ${n}s (or ${n}ms if you mean it)` });
        const result = graceInConfig(value);
        assert.equal(result.success, false);
        assert.match(JSON.stringify(result.error?.issues), new RegExp(`a duration with a unit \\(${String(n).replace('.', '\\.')} ms\\? write ${String(n).replace('.', '\\.')}s`));
      }),
    );
  });

  it('takes 0, bare milliseconds from 100, and any number with a unit, the same way in both places', () => {
    const written = fc.oneof(
      fc.constant('0'),
      fc.integer({ min: 100, max: 2 ** 31 - 1 }).map(String),
      fc.tuple(fc.integer({ min: 0, max: 500 }), fc.constantFrom('ms', 's', 'm', 'h')).map(([n, unit]) => `${n}${unit}`),
    );
    fc.assert(
      fc.property(written, (text) => {
        const fromFlag = parseGrace(text);
        const fromConfig = graceInConfig(text);
        assert.ok(fromConfig.success, text);
        assert.equal(fromConfig.data.supervisor.grace, fromFlag, text);
      }),
    );
  });
});

describe('ports', () => {
  it('--port and server.port accept exactly the same values', () => {
    const value = fc.oneof(fc.integer({ min: -10, max: 70_000 }), fc.integer({ min: -10, max: 70_000 }).map(String), fc.string({ maxLength: 6 }), fc.constantFrom('0', '1', '65535', '65536', ' 80', '8080.5'));
    fc.assert(
      fc.property(value, (port) => {
        const flag = flagAccepts(parsePort, port);
        const config = crewConfigSchema.safeParse({ server: { port } }).success;
        assert.equal(flag, config, `port ${JSON.stringify(port)}: flag ${flag}, config ${config}`);
        if (flag) assert.equal(parsePort(port), crewConfigSchema.parse({ server: { port } }).server.port);
      }),
    );
  });
});

test('--grace 5 and grace: 5 are refused before anything starts, with the fix', async (t) => {
  const flag = await runCrewToEnd(['start', '--server', '--grace', '5', '--app', fixtureApp('web'), '--config', tempConfig(t, '')]);
  assert.equal(flag.code, 2);
  assert.equal(flag.stderr, 'crew: --grace 5: 5 ms? write 5s (or 5ms if you mean it)\n');
  assert.equal(flag.stdout, '');

  const config = await runCrewToEnd(['start', '--server', '--app', fixtureApp('web'), '--config', tempConfig(t, 'supervisor:\n  grace: 5\n')]);
  assert.equal(config.code, 2);
  assert.match(config.stderr, /default\.yaml: supervisor\.grace: expected a duration with a unit \(5 ms\? write 5s \(or 5ms if you mean it\)\), found 5/);
});

test('--port 0 is refused by the flag check with the range config uses', async (t) => {
  const result = await runCrewToEnd(['start', '--server', '--port', '0', '--app', fixtureApp('web'), '--config', tempConfig(t, '')]);
  assert.equal(result.code, 2);
  assert.equal(result.stderr, 'crew: --port: expected a port number from 1 to 65535, found "0"\n');
});
