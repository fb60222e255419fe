// Config that names parts of the app — components.<name>, log.levels.<name>, worker.queues —
// is checked against the app once it is loaded, by crew start, crew doctor and crew config:
// a typo (`poler` for `poller`) is refused naming the file, the key and what was meant.
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkAppNames } from '../../lib/config/check-app-names.js';
import { ConfigError } from '../../lib/config/config-error.js';
import { defaultConfig } from '../../lib/config/schema.js';
import { runCrewToEnd } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { tempConfig } from '../helpers/temp-dir.js';

const origin = () => ({ source: 'config/default.yaml', file: 'config/default.yaml' });
const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,9}$/);

describe('checkAppNames', () => {
  it('refuses exactly the component settings the app has no component for, naming each', () => {
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 5 }), fc.uniqueArray(name, { maxLength: 5 }), (defined, configured) => {
        const config = defaultConfig();
        for (const n of configured) config.components[n] = { instances: 1 };
        const unknown = configured.filter((n) => !defined.includes(n));
        const run = () => checkAppNames(config, { components: defined, jobs: [] }, origin);
        if (unknown.length === 0) return void run();
        assert.throws(run, (error: Error) => {
          assert.ok(error instanceof ConfigError);
          assert.deepEqual(error.issues.map((issue) => issue.path), unknown.map((n) => (/^[A-Za-z_$][\w$-]*$/.test(n) ? `components.${n}` : `components[${JSON.stringify(n)}]`)));
          return true;
        });
      }),
    );
  });

  it('says what was meant, and where a built-in component\'s settings go', () => {
    const config = defaultConfig();
    config.components.poler = { instances: 2 };
    config.components.worker = { instances: 2 };
    config.log.levels.wroker = 'debug';
    config.worker.queues = ['emial'];
    assert.throws(() => checkAppNames(config, { components: ['poller'], jobs: ['email'] }, origin), {
      message: [
        'config/default.yaml: components.poler: the app defines no component "poler" (did you mean "poller"? it defines: poller)',
        'config/default.yaml: components.worker: "worker" is built in: its settings go under `worker:` at the top level, not under components',
        'config/default.yaml: log.levels.wroker: no component is named "wroker" (did you mean "worker"? components: crew, server, worker, scheduler, poller)',
        'config/default.yaml: worker.queues[0]: the app defines no job "emial" (did you mean "email"? it defines: email)',
      ].join('\n'),
    });
  });
});

test('a typo in a component\'s name under config components: is refused by start, doctor and config', async (t) => {
  const config = tempConfig(t, 'components:\n  steddy: { instances: 2 }\n');
  const expected = /default\.yaml: components\.steddy: the app defines no component "steddy" \(did you mean "steady"\?/;
  const start = await runCrewToEnd(['start', '--component', 'steady', '--app', fixtureApp('components'), '--config', config]);
  assert.equal(start.code, 2, start.stderr);
  assert.match(start.stderr, expected);
  assert.equal(start.stdout, '', 'nothing started');

  const doctor = await runCrewToEnd(['doctor', '--app', fixtureApp('components'), '--config', config]);
  assert.equal(doctor.code, 1);
  assert.match(doctor.stdout, expected);

  const shown = await runCrewToEnd(['config', '--app', fixtureApp('components'), '--config', config]);
  assert.equal(shown.code, 2);
  assert.match(shown.stderr, expected);
});
