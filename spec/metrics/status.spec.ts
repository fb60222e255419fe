// `crew status` at a glance, with metrics off: requests per second for the server, jobs per
// second and jobs running for the worker, the next tick for the scheduler — from the counters
// each child's heartbeat carries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import http from 'node:http';
import type { CrewStatus } from '../../lib/primary/status.js';
import { runCrew, runCrewToEnd } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { tempConfig } from '../helpers/temp-dir.js';

test('crew status shows requests/s, jobs/s, jobs running and the next tick while the crew works', async (t) => {
  const port = await freePort();
  // A short watchdog: heartbeats, and with them the counters, every 100 ms.
  const config = tempConfig(t, `app: ${fixtureApp('metrics')}\nserver: { port: ${port} }\nqueue: { driver: embedded }\nsupervisor: { watchdog: 2s }\n`);
  const env = { CREW_CONTROL: path.join(config, 'control.sock'), REDIS_URL: '' };
  const crew = runCrew(t, ['start', '--server', '--worker', '--scheduler', '--config', config], { env });
  await crew.waitForCount((r) => r.component === 'crew' && / ready in /.test(r.message), 3, 'every child ready', 20_000);

  // Load until status shows it: requests on a kept-alive connection, jobs enqueued by the server.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  t.after(() => agent.destroy());
  let loading = true;
  const load = (async () => {
    for (let i = 0; loading; i++) {
      await new Promise<void>((resolve, reject) => {
        const path = i % 10 === 0 ? '/enqueue-many?job=echo&count=20' : `/users/${i}`;
        http.get({ host: '127.0.0.1', port, path, agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
      });
    }
  })();
  let status: CrewStatus | undefined;
  const deadline = Date.now() + 30_000;
  const of = (s: CrewStatus, component: string) => s.children.find((c) => c.component === component)!.activity;
  while (Date.now() < deadline) {
    const result = await runCrewToEnd(['status', '--json'], { env });
    assert.equal(result.code, 0, result.stderr);
    status = JSON.parse(result.stdout) as CrewStatus;
    if ((of(status, 'server')?.requestsPerSecond ?? 0) > 0 && (of(status, 'worker')?.jobsPerSecond ?? 0) > 0) break;
  }
  const table = await runCrewToEnd(['status'], { env });
  loading = false;
  await load;
  assert.ok(status);
  const server = of(status, 'server')!;
  const worker = of(status, 'worker')!;
  const scheduler = of(status, 'scheduler')!;
  assert.ok(server.requestsPerSecond! > 0 && server.requests > 0, JSON.stringify(server));
  assert.ok(worker.jobsPerSecond! > 0 && worker.jobs > 0, JSON.stringify(worker));
  assert.equal(typeof worker.activeJobs, 'number');
  assert.equal(scheduler.nextTick?.schedule, 'tick');
  assert.ok(scheduler.nextTick.inMs <= 1000);
  // The contract's fields are all still there.
  for (const key of ['component', 'instance', 'pid', 'state', 'restarts', 'uptime', 'cpu', 'memory', 'lastExit']) assert.ok(key in status.children[0]!, key);

  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /ACTIVITY/);
  assert.match(table.stdout, /server\.1 .* \d+(\.\d)? req\/s/);
  assert.match(table.stdout, /worker\.1 .* \d+(\.\d)? jobs\/s, \d+ active/);
  assert.match(table.stdout, /scheduler\.1 .* next tick in \d+s/);
});
