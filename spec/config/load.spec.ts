import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../lib/config/config-error.js';
import { loadConfig, resolveEnvName } from '../../lib/config/load.js';
import { defaultConfig } from '../../lib/config/schema.js';
import { configDir } from './config-dir.js';

// Compiled to dist/spec/config/, three levels below the repository.
const REPO_CONFIG = fileURLToPath(new URL('../../../config', import.meta.url));

function loadError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  assert.fail('expected a ConfigError');
}

/** The message as the user sees it: a file under the temp dir shows as an absolute path. */
function inDir(dir: string, name: string): string {
  return path.join(dir, name);
}

describe('resolveEnvName', () => {
  it('takes the flag, else CREW_ENV, else NODE_ENV, else development', () => {
    assert.equal(resolveEnvName('staging', { CREW_ENV: 'a', NODE_ENV: 'b' }), 'staging');
    assert.equal(resolveEnvName(undefined, { CREW_ENV: 'a', NODE_ENV: 'b' }), 'a');
    assert.equal(resolveEnvName(undefined, { CREW_ENV: '', NODE_ENV: 'b' }), 'b');
    assert.equal(resolveEnvName(undefined, {}), 'development');
  });
});

describe('loadConfig', () => {
  it('gives every default for an empty folder, and for a missing one not named explicitly', (t) => {
    const dir = configDir(t);
    const loaded = loadConfig({ dir, env: 'development', environ: {} });
    assert.deepEqual(loaded.config, defaultConfig());
    assert.deepEqual(loaded.files, []);
    assert.equal(loaded.env, 'development');
    assert.equal(loaded.dir, dir);
    assert.deepEqual(loadConfig({ dir: path.join(dir, 'absent'), env: 'development', environ: {} }).config, defaultConfig());
  });

  it('refuses a missing folder that was named explicitly', (t) => {
    const dir = path.join(configDir(t), 'absent');
    const error = loadError(() => loadConfig({ dir, dirExplicit: true, env: 'development', environ: {} }));
    assert.equal(error.message, `${dir}: config folder not found (check --config)`);
  });

  it('merges default < <env>.yaml < environment variables < overrides', (t) => {
    const dir = configDir(t, {
      'default.yaml': 'server: { port: 1001, host: a.example, instances: 2 }\nqueue: { url: "redis://d:6379" }\nworker: { instances: 2 }\n',
      'production.yaml': 'server: { port: 1002, host: b.example }\nworker: { instances: 3 }\nsupervisor: { grace: 3s }\n',
    });
    const loaded = loadConfig({
      dir,
      env: 'production',
      environ: { PORT: '1003', HOST: '', REDIS_URL: 'redis://e:6379' },
      overrides: { server: { port: 1004, host: undefined }, supervisor: { grace: 1500 } },
    });
    assert.deepEqual(loaded.files, [inDir(dir, 'default.yaml'), inDir(dir, 'production.yaml')]);
    assert.equal(loaded.config.server.port, 1004, 'overrides win');
    assert.equal(loaded.config.server.host, 'b.example', 'an empty HOST and an undefined override set nothing');
    assert.equal(loaded.config.server.instances, 2, 'mappings merge: default.yaml keys survive');
    assert.equal(loaded.config.queue.url, 'redis://e:6379', 'REDIS_URL wins over the files');
    assert.equal(loaded.config.worker.instances, 3);
    assert.equal(loaded.config.supervisor.grace, 1500);

    const withoutOverrides = loadConfig({ dir, env: 'production', environ: { PORT: '1003' } });
    assert.equal(withoutOverrides.config.server.port, 1003, 'PORT wins over the files');
    assert.equal(loadConfig({ dir, env: 'staging', environ: {} }).config.server.port, 1001, 'a missing env file is fine');
  });

  it('replaces lists instead of merging them, and lets an empty value set nothing', (t) => {
    const dir = configDir(t, {
      'default.yaml': 'worker: { queues: [a, b, c] }\nstart: { components: [server, worker] }\nserver: { port: 1001 }\n',
      'test.yaml': 'worker: { queues: [d] }\nserver:\n  # port: 9\n',
    });
    const { config } = loadConfig({ dir, env: 'test', environ: {} });
    assert.deepEqual(config.worker.queues, ['d']);
    assert.deepEqual(config.start.components, ['server', 'worker']);
    assert.equal(config.server.port, 1001);
  });

  it('fills in ${VAR} and ${VAR:-fallback}, coercing numbers and durations', (t) => {
    const dir = configDir(t, {
      'default.yaml': [
        'server: { port: "${APP_PORT:-3100}", instances: "${WEB_CONCURRENCY:-2}" }',
        'queue: { prefix: "${QUEUE_PREFIX}", url: "${CACHE_URL:-}" }',
        'supervisor: { grace: "${GRACE:-5s}" }',
        '',
      ].join('\n'),
    });
    const { config } = loadConfig({ dir, env: 'development', environ: { QUEUE_PREFIX: 'myapp', WEB_CONCURRENCY: '4' } });
    assert.equal(config.server.port, 3100);
    assert.equal(config.server.instances, 4);
    assert.equal(config.queue.prefix, 'myapp');
    assert.equal(config.queue.url, '');
    assert.equal(config.supervisor.grace, 5000);
  });

  it('names the file, key path, expected and found for a bad value', (t) => {
    const dir = configDir(t, { 'default.yaml': 'server: { port: 3000 }\n', 'production.yaml': 'server: { port: abc }\n' });
    const error = loadError(() => loadConfig({ dir, env: 'production', environ: {} }));
    assert.equal(error.message, `${inDir(dir, 'production.yaml')}: server.port: expected an integer from 1 to 65535, found "abc"`);
    assert.equal(error.file, inDir(dir, 'production.yaml'));
    assert.equal(error.path, 'server.port');
    assert.equal(error.expected, 'an integer from 1 to 65535');
    assert.equal(error.found, '"abc"');
  });

  it('names a file relative to the working directory when it is inside it', (t) => {
    const dir = configDir(t, { 'production.yaml': 'server:\n  port: abc\n' });
    const cwd = process.cwd();
    process.chdir(path.dirname(dir));
    t.after(() => process.chdir(cwd));
    const error = loadError(() => loadConfig({ dir: path.basename(dir), env: 'production', environ: {} }));
    assert.equal(error.message, `${path.basename(dir)}/production.yaml: server.port: expected an integer from 1 to 65535, found "abc"`);
  });

  it('blames the environment variable or the command line when the bad value came from there', (t) => {
    const dir = configDir(t, { 'default.yaml': 'server: { port: 3000 }\n' });
    const fromEnv = loadError(() => loadConfig({ dir, env: 'development', environ: { PORT: 'abc' } }));
    assert.equal(fromEnv.message, 'environment PORT: server.port: expected an integer from 1 to 65535, found "abc"');
    assert.equal(fromEnv.file, undefined);
    const fromFlags = loadError(() => loadConfig({ dir, env: 'development', environ: {}, overrides: { supervisor: { grace: 'soon' } } }));
    assert.equal(fromFlags.message, 'command line: supervisor.grace: expected a duration like 500ms, 10s or 2m, or a number of milliseconds, found "soon"');
    const tooLong = loadError(() => loadConfig({ dir, env: 'development', environ: {}, overrides: { supervisor: { watchdog: '1000h' } } }));
    assert.equal(tooLong.message, 'command line: supervisor.watchdog: expected a duration of at most 596h31m23.647s (the longest timer Node.js allows), found "1000h"');
  });

  it('blames a missing required key on the file that declared its parent', (t) => {
    const dir = configDir(t, { 'default.yaml': 'schedules: {}\n', 'production.yaml': 'schedules:\n  nightly: { job: report }\n' });
    const error = loadError(() => loadConfig({ dir, env: 'production', environ: {} }));
    assert.equal(error.message, `${inDir(dir, 'production.yaml')}: schedules.nightly.cron: expected a cron expression such as "0 3 * * *", found nothing`);
  });

  it('catches an unknown key with a did-you-mean, and lists it before what it may have caused', (t) => {
    const dir = configDir(t, { 'default.yaml': 'supervisr:\n  grace: 3s\nschedules:\n  nightly: { crn: "0 3 * * *" }\n' });
    const error = loadError(() => loadConfig({ dir, env: 'development', environ: {} }));
    const file = inDir(dir, 'default.yaml');
    assert.deepEqual(error.message.split('\n'), [
      `${file}: supervisr: unknown key (did you mean "supervisor"?)`,
      `${file}: schedules.nightly.crn: unknown key (did you mean "cron"?)`,
      `${file}: schedules.nightly.cron: expected a cron expression such as "0 3 * * *", found nothing`,
    ]);
    assert.equal(error.issues.length, 3);
    assert.equal(error.path, error.issues[0]!.path);
  });

  it('lists the known keys when no key is close', (t) => {
    const dir = configDir(t, { 'default.yaml': 'queue: { zzz: 1 }\n' });
    const error = loadError(() => loadConfig({ dir, env: 'development', environ: {} }));
    assert.equal(error.message, `${inDir(dir, 'default.yaml')}: queue.zzz: unknown key (known keys here: driver, url, prefix, maxQueued, maxPayload, stallInterval, keepFailed, keepSucceeded)`);
  });

  it('reports YAML syntax errors with line and column', (t) => {
    const dir = configDir(t, { 'default.yaml': 'server:\n  port: 3000\n  port: 3001\n' });
    const error = loadError(() => loadConfig({ dir, env: 'development', environ: {} }));
    assert.equal(error.message, `${inDir(dir, 'default.yaml')}:3:3: YAML syntax error: Map keys must be unique`);
    assert.equal(error.line, 3);
    assert.equal(error.column, 3);

    const flow = configDir(t, { 'default.yaml': 'a: 1\nworker: { queues: [a, b }\n' });
    assert.match(loadError(() => loadConfig({ dir: flow, env: 'development', environ: {} })).message, /default\.yaml:\d+:\d+: YAML syntax error: /);
  });

  it('refuses a file whose top level is not a mapping', (t) => {
    const dir = configDir(t, { 'default.yaml': '- server\n- worker\n' });
    const error = loadError(() => loadConfig({ dir, env: 'development', environ: {} }));
    assert.equal(error.message, `${inDir(dir, 'default.yaml')}: expected a mapping of keys at the top level, found a list`);
  });

  it('makes an unset ${VAR} an error naming the file, key path and the optional form', (t) => {
    const dir = configDir(t, { 'default.yaml': 'queue:\n  url: ${REDIS_URL}\n' });
    const error = loadError(() => loadConfig({ dir, env: 'development', environ: {} }));
    assert.equal(
      error.message,
      `${inDir(dir, 'default.yaml')}: queue.url: environment variable REDIS_URL is not set (set it, or write \${REDIS_URL:-fallback}, or \${REDIS_URL:-} if it is optional)`,
    );
  });

  it('says which variable a bad interpolated value came from', (t) => {
    const dir = configDir(t, { 'default.yaml': 'server: { port: "${APP_PORT:-3000}" }\n' });
    const error = loadError(() => loadConfig({ dir, env: 'development', environ: { APP_PORT: 'eighty' } }));
    assert.equal(error.message, `${inDir(dir, 'default.yaml')}: server.port: expected an integer from 1 to 65535, found "eighty" (from \${APP_PORT})`);
  });

  it('never prints a Redis password', (t) => {
    const dir = configDir(t, { 'default.yaml': 'queue: { url: "http://:hunter2@cache:6379" }\n' });
    const fromFile = loadError(() => loadConfig({ dir, env: 'development', environ: {} }));
    assert.ok(!fromFile.message.includes('hunter2'), fromFile.message);
    assert.match(fromFile.message, /queue\.url: expected .*, found "http:\/\/:\*\*\*@cache:6379"$/);
    const fromEnv = loadError(() => loadConfig({ dir: configDir(t), env: 'development', environ: { REDIS_URL: 'tcp://user:hunter2@cache' } }));
    assert.ok(!fromEnv.message.includes('hunter2'), fromEnv.message);
    assert.ok(!JSON.stringify(fromEnv.issues).includes('hunter2'));
    assert.match(fromEnv.message, /^environment REDIS_URL: queue\.url: /);
    // Malformed forms, where the password cannot be told from the user, are masked whole.
    for (const url of ['redis:/:hunter2@cache', 'redis//:hunter2@cache', 'redis://hunter2@cache', 'redis:hunter2@cache']) {
      const malformed = loadError(() => loadConfig({ dir: configDir(t), env: 'development', environ: { REDIS_URL: url } }));
      assert.ok(!malformed.message.includes('hunter2'), malformed.message);
      assert.match(malformed.message, /found "redis[:/]*\*\*\*@cache"$/);
    }
  });

  it('reports several problems at once, one per line', (t) => {
    const dir = configDir(t, { 'default.yaml': 'server: { port: 0, instances: none }\nlog: { level: loud }\n' });
    const lines = loadError(() => loadConfig({ dir, env: 'development', environ: {} })).message.split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /server\.port: expected an integer from 1 to 65535, found 0$/);
    assert.match(lines[1]!, /server\.instances: expected an integer from 1 to \d+, 8 × this machine's \d+ CPUs?, or "max" \(one per CPU\), found "none"$/);
    assert.match(lines[2]!, /log\.level: expected one of "error", .*"silly", found "loud"$/);
  });

  it('refuses an environment name that is not a plain file name', (t) => {
    const error = loadError(() => loadConfig({ dir: configDir(t), env: '../etc', environ: {} }));
    assert.match(error.message, /^environment name: expected letters, digits.*, found "\.\.\/etc"$/);
  });

  it("loads the repository's config/default.yaml, whose values are the defaults but for `app`", () => {
    const loaded = loadConfig({ dir: REPO_CONFIG, dirExplicit: true, env: 'development', environ: {} });
    assert.deepEqual(loaded.files, [path.join(REPO_CONFIG, 'default.yaml')]);
    const { app, ...rest } = loaded.config;
    assert.equal(app, './dist/example/app.js');
    assert.deepEqual(rest, defaultConfig());
    assert.ok(fs.readFileSync(path.join(REPO_CONFIG, 'default.yaml'), 'utf8').includes('${REDIS_URL:-}'));
  });
});
