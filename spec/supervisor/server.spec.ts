// The server component through the real CLI: built-in routes, the request record, the error
// handler, N instances on one port, and a port already in use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { runCrew } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { get } from '../helpers/http.js';
import { tempConfig } from '../helpers/temp-dir.js';

test('/_ping and /_health answer, each request is one record with a request id', async (t) => {
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server', '--app', fixtureApp('web'), '--port', String(port), '--config', tempConfig(t, '')]);
  await crew.waitFor((r) => /server\.1 ready/.test(r.message), 'server ready');
  const ping = await get(`http://127.0.0.1:${port}/_ping`, { headers: { 'x-request-id': 'spec-123' } });
  assert.equal(ping.status, 200);
  assert.deepEqual(ping.json(), { ok: true });
  assert.equal(ping.headers['x-request-id'], 'spec-123');
  const health = await get(`http://127.0.0.1:${port}/_health`);
  assert.equal(health.status, 200);
  assert.deepEqual(health.json(), { ok: true, checks: {} });
  const record = await crew.waitFor((r) => r.component === 'server' && r.path === '/_ping', 'request record');
  assert.equal(record.method, 'GET');
  assert.equal(record.status, 200);
  assert.equal(record.requestId, 'spec-123');
  assert.equal(typeof record.ms, 'number');
  assert.equal(record.instance, 1);
});

test("built-in answers are Koa's own JSON answers; Koa's roads loaded at their first use work", async (t) => {
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server', '--app', fixtureApp('web'), '--port', String(port), '--config', tempConfig(t, '')]);
  await crew.waitFor((r) => /server\.1 ready/.test(r.message), 'server ready');
  // As Koa answers an object body: the same bytes, type and length, for GET and HEAD.
  for (const method of ['GET', 'HEAD'] as const) {
    const ping = await get(`http://127.0.0.1:${port}/_ping`, { method });
    assert.equal(ping.status, 200);
    assert.equal(ping.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(ping.headers['content-length'], '11');
    assert.equal(ping.body, method === 'GET' ? '{"ok":true}' : '');
  }
  const health = await get(`http://127.0.0.1:${port}/_health`);
  assert.equal(health.headers['content-type'], 'application/json; charset=utf-8');
  assert.equal(health.body, '{"ok":true,"checks":{}}');
  // accepts' own mime-types, and http-assert's own http-errors.
  assert.deepEqual((await get(`http://127.0.0.1:${port}/accepts`, { headers: { accept: 'text/html' } })).json(), { type: 'html' });
  assert.deepEqual((await get(`http://127.0.0.1:${port}/accepts`, { headers: { accept: 'application/json' } })).json(), { type: 'json' });
  const refused = await get(`http://127.0.0.1:${port}/assert?a=2`);
  assert.equal(refused.status, 422);
  assert.equal((refused.json() as { error: string }).error, 'a must be 1');
  assert.equal(refused.headers['content-type'], 'application/json; charset=utf-8');
  assert.equal((await get(`http://127.0.0.1:${port}/assert?a=1`)).body, 'fine');
});

test('a throwing route answers 500 with the request id, and the stack outside production', async (t) => {
  const port = await freePort();
  const config = tempConfig(t, '');
  const dev = runCrew(t, ['start', '--server', '--app', fixtureApp('web'), '--port', String(port), '--config', config]);
  await dev.waitFor((r) => /server\.1 ready/.test(r.message), 'server ready');
  const reply = await get(`http://127.0.0.1:${port}/boom`);
  assert.equal(reply.status, 500);
  const body = reply.json() as { error: string; requestId: string; stack?: string };
  assert.equal(body.error, 'Internal Server Error');
  assert.equal(body.requestId, reply.headers['x-request-id']);
  assert.match(body.stack ?? '', /Error: boom/);
  const logged = await dev.waitFor((r) => r.level === 'error' && r.requestId === body.requestId, 'error record');
  assert.match(logged.message, /boom/);
  dev.signal('SIGTERM');
  assert.equal((await dev.exited).code, 0);

  const prodPort = await freePort();
  const prod = runCrew(t, ['start', '--server', '--app', fixtureApp('web'), '--port', String(prodPort), '--config', config, '--env', 'production']);
  await prod.waitFor((r) => /server\.1 ready/.test(r.message), 'server ready');
  const prodReply = await get(`http://127.0.0.1:${prodPort}/boom`);
  assert.equal(prodReply.status, 500);
  assert.equal((prodReply.json() as { stack?: string }).stack, undefined);
});

test('two server instances share one port; neither hands the app the spec crew gave it', async (t) => {
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server', '2', '--app', fixtureApp('web'), '--port', String(port), '--config', tempConfig(t, 'queue: { url: "redis://:hunter2@127.0.0.1:1" }\n')]);
  await crew.waitForCount((r) => /server\.\d ready/.test(r.message), 2, 'both servers ready');
  const seen = new Map<number, boolean>();
  // The kernel spreads new connections over the two; a few dozen reach both.
  for (let i = 0; i < 40 && seen.size < 2; i += 1) {
    const { pid, crewChild } = (await get(`http://127.0.0.1:${port}/env`)).json() as { pid: number; crewChild: boolean };
    seen.set(pid, crewChild);
  }
  assert.equal(seen.size, 2);
  // One was forked ahead and told its spec over IPC, the other had it in CREW_CHILD: in neither
  // is the resolved config (its Redis password) left in the environment the app and its
  // subprocesses see.
  assert.deepEqual([...seen.values()], [false, false]);
});

test('a port already in use is one clear refusal before anything is forked, exit 2', async (t) => {
  const port = await freePort();
  const holder = net.createServer().listen(port, '127.0.0.1');
  t.after(() => holder.close());
  await new Promise((resolve) => holder.once('listening', resolve));
  const crew = runCrew(t, ['start', '--server', '--app', fixtureApp('web'), '--port', String(port), '--config', tempConfig(t, '')]);
  const exit = await crew.exited;
  assert.equal(exit.code, 2);
  assert.equal(crew.stderr(), `crew: server: port ${port} on 127.0.0.1 is already in use: stop the process that holds it, or choose another port with --port or PORT\n`);
  assert.deepEqual(crew.lines.filter(Boolean), [], 'nothing started, nothing logged');
});
