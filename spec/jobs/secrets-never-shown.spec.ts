// A Redis password never appears in anything crew prints, whichever way it is given: in the
// URL's user-info (with a user, or alone), as `?password=`, from the environment or from a
// config file, plus secret-named keys in config. A full crew runs (server, worker, scheduler
// firing through the tick lock, a file transport), and every output is searched: `crew
// config`, `crew doctor`, the log stream and stderr, the log file, `/_health`, an enqueue,
// `crew status --json` (a control reply), `crew jobs stats`, and a start with a wrong password.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCrew, runCrewToEnd } from '../helpers/crew-process.js';
import { get } from '../helpers/http.js';
import { fixtureApp } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { redisAdmin } from '../helpers/redis-admin.js';
import { startRedis } from '../helpers/redis-server.js';
import { tempDir } from '../helpers/temp-dir.js';

interface Form {
  name: string;
  /** The URL with this password, and where it is given. */
  url: (password: string, port: number) => string;
  from: 'environment' | 'config file';
}

const FORMS: Form[] = [
  { name: 'user:password@ in REDIS_URL', url: (pw, port) => `redis://crewuser:${pw}@127.0.0.1:${port}`, from: 'environment' },
  { name: ':password@ in config queue.url', url: (pw, port) => `redis://:${pw}@127.0.0.1:${port}/0`, from: 'config file' },
  { name: '?password= in REDIS_URL', url: (pw, port) => `redis://127.0.0.1:${port}/0?password=${pw}`, from: 'environment' },
  { name: '?password= in config queue.url', url: (pw, port) => `redis://127.0.0.1:${port}?db=0&password=${pw}`, from: 'config file' },
];

const RIGHT = 'Right-S3cret-7xq';
const WRONG = 'Wrong-S3cret-9zk';
const KEYS = 'Keyed-S3cret-4mw';

describe('a Redis password, in every form', () => {
  for (const form of FORMS) {
    it(`never appears in any output (${form.name})`, async (t) => {
      const redis = await startRedis(t, { args: ['--requirepass', RIGHT] });
      if (!redis) return;
      const admin = await redisAdmin(t, redis.port, RIGHT);
      await admin.command('ACL', 'SETUSER', 'crewuser', 'on', `>${RIGHT}`, '~*', '&*', '+@all');
      const port = await freePort();
      const dir = tempDir(t);
      const logFile = path.join(dir, 'crew.log');
      const configFor = (password: string) => {
        const config = path.join(dir, password === RIGHT ? 'config' : 'config-wrong');
        fs.mkdirSync(config, { recursive: true });
        fs.writeFileSync(
          path.join(config, 'default.yaml'),
          [
            `app: ${fixtureApp('jobs')}`,
            `server: { port: ${port} }`,
            `queue: { driver: redis, prefix: "spec${port}"${form.from === 'config file' ? `, url: "${form.url(password, redis.port)}"` : ''} }`,
            'supervisor: { grace: 3s, readyTimeout: 20s, restart: { backoff: { initial: 50ms, max: 100ms } } }',
            `log: { transports: [{ type: file, filename: "${logFile}" }] }`,
            'schedules: { tick: { cron: "* * * * * *", job: echo, data: { from: schedule } } }',
            `components: { producer: { smtp_pass: ${KEYS}, auth: ${KEYS}, headers: { Authorization: "Bearer ${KEYS}" }, accessKey: ${KEYS}, keepAlive: shown-as-is } }`,
          ].join('\n'),
        );
        return config;
      };
      const envFor = (password: string): Record<string, string> => ({
        CREW_CONTROL: path.join(dir, 'control.sock'),
        REDIS_URL: form.from === 'environment' ? form.url(password, redis.port) : '',
      });
      const config = configFor(RIGHT);
      const env = envFor(RIGHT);
      const printed: string[] = [];
      const run = async (args: string[], options: { code?: number } = {}) => {
        // The operating commands find the crew by its control socket, the others read config.
        const withConfig = args[0] === 'status' ? args : [...args, '--config', config];
        const result = await runCrewToEnd(withConfig, { env });
        printed.push(`$ crew ${args.join(' ')}\n${result.stdout}\n${result.stderr}`);
        if (options.code !== undefined) assert.equal(result.code, options.code, `crew ${args.join(' ')}: ${result.stdout}${result.stderr}`);
        return result;
      };

      const shown = await run(['config'], { code: 0 });
      assert.match(shown.stdout, /smtp_pass: "\*\*\*"/);
      assert.match(shown.stdout, /keepAlive: shown-as-is/);
      await run(['config', '--json'], { code: 0 });
      const doctor = await run(['doctor'], { code: 0 });
      assert.match(doctor.stdout, /queue: redis at redis:\/\/[^ ]*\*\*\*@127\.0\.0\.1:\d+(\/0)? answers/);

      const crew = runCrew(t, ['start', '--server', '--worker', '--scheduler', '--config', config], { env });
      await crew.waitForCount((r) => r.component === 'crew' && / ready in /.test(r.message), 3, 'server, worker and scheduler ready', 30_000);
      // The tick lock authenticates with the same setting as the queue: ticks fire.
      await crew.waitFor((r) => r.schedule === 'tick' && r.outcome === 'ok', 'a tick of the schedule enqueued');
      const health = await get(`http://127.0.0.1:${port}/_health`);
      assert.equal(health.status, 200, health.body);
      const enqueued = await get(`http://127.0.0.1:${port}/enqueue?job=echo&data=${encodeURIComponent('{"n":1}')}`);
      assert.equal(enqueued.status, 200, enqueued.body);
      const { id } = enqueued.json() as { id: string };
      await crew.waitFor((r) => r.job === 'echo' && r.jobId === id && r.outcome === 'succeeded', 'the enqueued job run');
      printed.push(health.body, enqueued.body);
      await run(['status', '--json'], { code: 0 });
      await run(['jobs', 'stats'], { code: 0 });

      // A start with the wrong password beside the running crew: refused, and said so.
      const wrongConfig = configFor(WRONG);
      const wrong = await runCrewToEnd(['start', '--worker', '--config', wrongConfig], { env: { ...envFor(WRONG), CREW_CONTROL: path.join(dir, 'wrong.sock') } });
      assert.equal(wrong.code, 1);
      assert.match(wrong.stdout, /worker given up: Redis at .* refused crew's credentials/);
      printed.push(wrong.stdout, wrong.stderr);
      // With no crew answering on its socket, a command reads config's Redis itself.
      const wrongStats = await runCrewToEnd(['jobs', 'stats', '--config', wrongConfig], { env: { ...envFor(WRONG), CREW_CONTROL: path.join(dir, 'wrong.sock') } });
      assert.equal(wrongStats.code, 1, `${wrongStats.stdout}${wrongStats.stderr}`);
      printed.push(wrongStats.stdout, wrongStats.stderr);

      crew.signal('SIGTERM');
      await crew.exited;
      printed.push(crew.lines.join('\n'), crew.stderr(), fs.readFileSync(logFile, 'utf8'));
      const everything = printed.join('\n');
      for (const secret of [RIGHT, WRONG, KEYS]) {
        const at = everything.indexOf(secret);
        assert.equal(at, -1, `"${secret}" was printed: …${everything.slice(Math.max(0, at - 300), at + 100)}…`);
      }
      assert.match(everything, /\*\*\*/, 'secrets are shown masked');
    });
  }
});
