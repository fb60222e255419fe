// Which queue `crew jobs` acts on: the running crew's, whatever the caller's environment says;
// without a crew, the Redis config names; with neither, a refusal. The two ways it used to go
// wrong: a crew on Redis asked from a shell without REDIS_URL ("unknown verb"), and a crew on
// the embedded queue asked from a shell with REDIS_URL (a job enqueued into a Redis that no
// worker reads, and "1" printed as if all were well).
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { createClient } from 'redis';
import type { JobList } from '../../lib/queue/admin.js';
import type { QueueStats } from '../../lib/queue/types.js';
import { runCrew, runCrewToEnd, type LogRecord } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { startRedis } from '../helpers/redis-server.js';
import { tempConfig } from '../helpers/temp-dir.js';

const isRun = (job: string, id: string) => (r: LogRecord) => r.job === job && r.jobId === id && r.outcome === 'succeeded';

test('a crew on Redis is reached from a shell without REDIS_URL; once it stops, config\'s Redis is used, and without one the command refuses', async (t) => {
  const redis = await startRedis(t);
  if (!redis) return;
  // The Redis URL comes from the environment only, as in a container.
  const config = tempConfig(t, `app: ${fixtureApp('jobs')}\nsupervisor: { grace: 2s }\n`);
  const socket = path.join(config, 'control.sock');
  const crew = runCrew(t, ['start', '--worker', '--config', config], { env: { REDIS_URL: redis.url, CREW_CONTROL: socket } });
  await crew.waitFor((r) => r.component === 'crew' && /worker\.1 ready/.test(r.message), 'the worker ready', 20_000);
  const shell = (args: string[], redisUrl = '') => runCrewToEnd(['jobs', ...args, '--config', config], { env: { REDIS_URL: redisUrl, CREW_CONTROL: socket } });

  const stats = await shell(['stats', '--json']);
  assert.equal(stats.code, 0, stats.stderr);
  assert.equal((JSON.parse(stats.stdout) as QueueStats).driver, 'redis', 'the crew\'s own queue');
  const enqueued = await shell(['enqueue', 'echo', '{"via":"the crew"}']);
  assert.equal(enqueued.code, 0, enqueued.stderr);
  const id = enqueued.stdout.trim();
  await crew.waitFor(isRun('echo', id), `echo ${id} run by the crew's worker`);

  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
  const direct = await shell(['list', '--state', 'succeeded', '--json'], redis.url);
  assert.equal(direct.code, 0, direct.stderr);
  assert.deepEqual((JSON.parse(direct.stdout) as JobList).jobs.map((job) => job.id), [`echo:${id}`], 'read from the Redis config names');
  const neither = await shell(['list']);
  assert.equal(neither.code, 1);
  assert.match(neither.stderr, /^crew: no running crew found for this folder \(no control socket answers at .*control\.sock\): .*; config names no Redis either \(queue\.url \/ REDIS_URL\), so there is nothing to act on\n$/);
});

test('a crew on the embedded queue takes the job even when the shell has a REDIS_URL: nothing reaches that Redis', async (t) => {
  const redis = await startRedis(t);
  if (!redis) return;
  const config = tempConfig(t, `app: ${fixtureApp('jobs')}\nsupervisor: { grace: 2s }\n`);
  const socket = path.join(config, 'control.sock');
  const crew = runCrew(t, ['start', '--worker', '--config', config], { env: { REDIS_URL: '', CREW_CONTROL: socket } });
  await crew.waitFor((r) => r.component === 'crew' && /worker\.1 ready/.test(r.message), 'the worker ready', 20_000);
  const shell = (args: string[]) => runCrewToEnd(['jobs', ...args, '--config', config], { env: { REDIS_URL: redis.url, CREW_CONTROL: socket } });

  const enqueued = await shell(['enqueue', 'echo', '{"via":"the crew"}']);
  assert.equal(enqueued.code, 0, enqueued.stderr);
  const id = enqueued.stdout.trim();
  await crew.waitFor(isRun('echo', id), `echo ${id} run by the crew's worker`);
  const stats = await shell(['stats', '--json']);
  assert.equal((JSON.parse(stats.stdout) as QueueStats).driver, 'embedded');

  const client = createClient({ url: redis.url });
  await client.connect();
  const keys = await client.keys('*');
  await client.close();
  assert.deepEqual(keys, [], 'the shell\'s Redis was never written');
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
});
