// The operating commands against a real running crew: status, restart, reload, stop, and the
// project commands config and doctor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runCrew, runCrewToEnd, type LogRecord } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { tempConfig, tempDir } from '../helpers/temp-dir.js';

interface Status {
  pid: number;
  env: string;
  uptime: number;
  children: Array<{ component: string; instance: number; pid: number | null; state: string; restarts: number; uptime: number | null; cpu: number | null; memory: number | null; lastExit: unknown }>;
}

const pidOf = (record: LogRecord) => Number(/\(pid (\d+)\)/.exec(record.message)?.[1]);

test('status, restart, reload and stop talk to the running crew', async (t) => {
  const env = { CREW_CONTROL: path.join(tempDir(t), 'control.sock') };
  const port = await freePort();
  const config = tempConfig(t, '');
  const crew = runCrew(t, ['start', '--server', '--component', 'steady=2', '--app', fixtureApp('components'), '--port', String(port), '--config', config], { env });
  await crew.waitForCount((r) => /ready in/.test(r.message), 3, 'three ready');

  const status = await runCrewToEnd(['status', '--json'], { env });
  assert.equal(status.code, 0, status.stderr);
  const parsed = JSON.parse(status.stdout) as Status;
  assert.equal(parsed.pid, crew.process.pid);
  assert.equal(parsed.env, 'test');
  assert.deepEqual(parsed.children.map((c) => `${c.component}.${c.instance}:${c.state}`), ['server.1:ready', 'steady.1:ready', 'steady.2:ready']);
  for (const child of parsed.children) {
    assert.equal(typeof child.pid, 'number');
    assert.equal(child.restarts, 0);
    assert.equal(child.lastExit, null);
    for (const key of ['uptime', 'cpu', 'memory']) assert.ok(key in child, key);
  }
  const table = await runCrewToEnd(['status'], { env });
  assert.match(table.stdout, /steady\.2\s+ready/);

  const before = crew.records.filter((r) => /^steady\.2 started/.test(r.message)).map(pidOf);
  const restart = await runCrewToEnd(['restart', 'steady.2'], { env });
  assert.equal(restart.code, 0, restart.stderr);
  assert.equal(restart.stdout.trim(), 'restarted steady.2');
  const after = await crew.waitForCount((r) => /^steady\.2 started/.test(r.message), 2, 'steady.2 replaced');
  assert.notEqual(pidOf(after[1]!), before[0]);
  assert.equal(crew.records.filter((r) => /^steady\.1 started/.test(r.message)).length, 1, 'steady.1 untouched');

  const unknown = await runCrewToEnd(['restart', 'nope'], { env });
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /this crew runs no "nope" \(it runs: server, server\.1, steady/);

  const reload = await runCrewToEnd(['reload', 'steady'], { env });
  assert.equal(reload.stdout.trim(), 'reloaded steady.1, steady.2');
  assert.equal(crew.records.filter((r) => /^server\.1 started/.test(r.message)).length, 1, 'server untouched by reload steady');

  const stop = await runCrewToEnd(['stop'], { env });
  assert.equal(stop.code, 0);
  assert.equal((await crew.exited).code, 0);
  assert.ok(crew.records.some((r) => /shutting down \(crew stop\)/.test(r.message)));
});

test('without a running crew the operating commands say so and exit 1', async (t) => {
  const env = { CREW_CONTROL: path.join(tempDir(t), 'control.sock') };
  for (const args of [['status'], ['stop'], ['restart', 'server'], ['reload']]) {
    const result = await runCrewToEnd(args, { env });
    assert.equal(result.code, 1, args.join(' '));
    assert.match(result.stderr, /no running crew found for this folder/, args.join(' '));
  }
});

test('crew config prints the resolved config with the Redis password redacted', async (t) => {
  const config = tempConfig(t, 'server: { port: 4100 }\nqueue: { url: "redis://:hunter2@127.0.0.1:6390/0" }\n');
  const json = await runCrewToEnd(['config', '--json', '--config', config]);
  assert.equal(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout) as { env: string; config: { server: { port: number }; queue: { url: string }; supervisor: { grace: number } } };
  assert.equal(parsed.config.server.port, 4100);
  assert.equal(parsed.config.supervisor.grace, 8000);
  assert.doesNotMatch(json.stdout, /hunter2/);
  assert.match(parsed.config.queue.url, /\*\*\*/);
  const yaml = await runCrewToEnd(['config', '--config', config]);
  assert.match(yaml.stdout, /port: 4100/);
  assert.doesNotMatch(yaml.stdout, /hunter2/);
  const bad = await runCrewToEnd(['config', '--config', tempConfig(t, 'server: { port: nope }\n')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /server\.port/);
});

test('crew doctor passes on a sound project and names what fails otherwise', async (t) => {
  const port = await freePort();
  const good = await runCrewToEnd(['doctor', '--app', fixtureApp('web'), '--config', tempConfig(t, `server: { port: ${port} }\n`)], { env: { CREW_CONTROL: path.join(tempDir(t), 'c.sock') } });
  assert.equal(good.code, 0, good.stdout + good.stderr);
  assert.match(good.stdout, /ok {4}port: 127\.0\.0\.1:\d+ is free/);
  const deadRedis = await freePort();
  const bad = await runCrewToEnd(['doctor', '--app', fixtureApp('web'), '--config', tempConfig(t, `queue: { url: "redis://:secret@127.0.0.1:${deadRedis}" }\n`)], { env: { CREW_CONTROL: path.join(tempDir(t), 'c.sock') } });
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /FAIL {2}queue: redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ does not answer/);
  assert.doesNotMatch(bad.stdout + bad.stderr, /secret/);
});
