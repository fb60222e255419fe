// The app module's shape: its default export is the app, with only an app's keys. A module
// without one, or with other keys, is refused before anything starts (exit 2), by crew start
// and crew doctor alike, naming the module and what it found.
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AppError, checkApp, defaultExport } from '../../lib/app/load-app.js';
import { APP_KEYS } from '../../lib/app/types.js';
import { defineApp } from '../../lib/app/define-app.js';
import { runCrewToEnd } from '../helpers/crew-process.js';
import { tempConfig, tempDir } from '../helpers/temp-dir.js';

const noop = () => undefined;
/** A valid value for each of the app's keys. */
const VALID: Record<(typeof APP_KEYS)[number], unknown> = {
  server: noop,
  jobs: { email: noop },
  schedules: {},
  components: { poller: { start: noop } },
  health: { db: noop },
};

describe('checkApp', () => {
  it('accepts exactly the objects whose keys are all an app\'s own', () => {
    const key = fc.oneof(fc.constantFrom(...APP_KEYS), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(fc.uniqueArray(key, { maxLength: 7 }), (keys) => {
        const app = Object.fromEntries(keys.map((k) => [k, Object.hasOwn(VALID, k) ? VALID[k as keyof typeof VALID] : { anything: 1 }]));
        const unknown = keys.filter((k) => !(APP_KEYS as readonly string[]).includes(k));
        if (unknown.length === 0) {
          assert.equal(checkApp(app, 'app.js'), app);
        } else {
          assert.throws(() => checkApp(app, 'app.js'), (error: Error) => {
            assert.ok(error instanceof AppError);
            assert.match(error.message, /^app\.js: the default export has (a key|keys) crew does not know: /);
            for (const k of unknown) assert.ok(error.message.includes(JSON.stringify(k)), `${error.message} names ${k}`);
            return true;
          });
        }
      }),
    );
  });

  it('refuses whatever is not an object, saying what it is', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constant(null), fc.constant(undefined), fc.string(), fc.integer(), fc.boolean(), fc.array(fc.anything()), fc.constant(noop)), (value) => {
        assert.throws(() => checkApp(value, 'app.js'), /^AppError: app\.js: the default export must be an app, defineApp\(\{ \.\.\. \}\), found (null|nothing|a string|a number|a boolean|an array|a function)/);
      }),
    );
  });

  it('suggests the key that was meant', () => {
    assert.throws(() => checkApp({ job: {}, schedule: {}, routes: noop }, 'app.ts'), {
      message: 'app.ts: the default export has keys crew does not know: "job" (did you mean "jobs"?), "schedule" (did you mean "schedules"?), "routes" (did you mean "server"?); an app has only server, jobs, schedules, components, health',
    });
  });
});

describe('defineApp', () => {
  it('makes a mistyped key a compile error, and types ctx.config.settings (checked by tsc, which builds this file)', () => {
    // @ts-expect-error `job` is not a key of an app: `jobs` is.
    const typo = defineApp({ server: noop, job: { email: noop } });
    assert.throws(() => checkApp(typo, 'app.ts'), /"job" \(did you mean "jobs"\?\)/);
    const typed = defineApp<{ db: { host: string } }>({
      server(_app, ctx) {
        const host: string = ctx.config.settings.db.host;
        // @ts-expect-error settings declared by the app have only the keys it declared.
        void ctx.config.settings.cache;
        return host;
      },
    });
    assert.equal(checkApp(typed, 'app.ts'), typed);
  });
});

describe('defaultExport', () => {
  it('refuses a module without a default export, naming what it exports and the fix', () => {
    assert.throws(() => defaultExport({ app: { jobs: {} }, helper: noop }, 'app.js'), {
      message: 'app module app.js has no default export (it exports only app, helper): write `export default app`',
    });
    assert.throws(() => defaultExport({}, 'app.js'), { message: 'app module app.js has no default export (it exports nothing): write `export default defineApp({ ... })`' });
  });

  it('finds the app of a CommonJS module compiled from TypeScript one level down', () => {
    const app = { jobs: {} };
    const exportsObject = Object.defineProperty({ default: app }, '__esModule', { value: true });
    assert.equal(defaultExport({ default: exportsObject }, 'app.js'), app);
  });
});

test('an app module without a default export is refused by crew start and crew doctor', async (t) => {
  const dir = tempDir(t, { 'package.json': '{ "type": "module" }', 'app.js': 'export const app = { jobs: { email() {} } };\n' });
  const start = await runCrewToEnd(['start', '--all', '--app', 'app.js', '--config', tempConfig(t, '')], { cwd: dir });
  assert.equal(start.code, 2, start.stderr);
  assert.equal(start.stderr, 'crew: app module app.js has no default export (it exports only app): write `export default app`\n');
  assert.equal(start.stdout, '', 'nothing started');

  const checked = await runCrewToEnd(['doctor', '--app', 'app.js', '--config', tempConfig(t, '')], { cwd: dir });
  assert.equal(checked.code, 1);
  assert.match(checked.stdout, /FAIL {2}config and app: app module app\.js has no default export/);
});

test('an app with a key crew does not know is refused before anything starts, with a did-you-mean', async (t) => {
  const dir = tempDir(t, { 'package.json': '{ "type": "module" }', 'app.js': 'export default { job: { email() {} }, server() {} };\n' });
  const start = await runCrewToEnd(['start', '--all', '--app', 'app.js', '--config', tempConfig(t, '')], { cwd: dir });
  assert.equal(start.code, 2, start.stderr);
  assert.match(start.stderr, /^crew: app\.js: the default export has a key crew does not know: "job" \(did you mean "jobs"\?\)/);
  assert.equal(start.stdout, '');
});
