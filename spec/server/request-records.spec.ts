// The server's record of each request through the real CLI, under a flood: every request that
// was answered has exactly one record, whole, in order with the child's other lines (the app's
// line of a request before that request's record); in json, in pretty, and with a log file;
// none is lost when the child goes down right after answering; a child killed outright
// (SIGKILL) while records are gathered loses none of the lines the app had written, and only
// the records of its last batch; per-component levels filter them like any line.
//
// "Made" is what these specs hold crew to: a request's record is made once the app's
// middleware is done with it, before Koa writes the response, so every response a client got
// had its record made. A made record must reach the log stream whichever way the child then
// exits: process.exit(), an uncaught exception, an unhandled rejection, a stop. (Only a kill
// that runs no JavaScript, SIGKILL, can take the records of the last batch window with it.)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import { runCrew, type CrewProcess } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { tempConfig, tempDir } from '../helpers/temp-dir.js';

const CONNECTIONS = 16;
const PER_CONNECTION = 400;

interface Sent {
  /** The request's id: the one sent, or the fresh one crew answered with. */
  id: string;
  path: string;
  connection: number;
  /** Its place among the requests of its connection. */
  seq: number;
}

function request(agent: http.Agent, port: number, urlPath: string, id: string | undefined): Promise<{ status: number; id: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent, headers: id === undefined ? {} : { 'x-request-id': id }, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, id: String(res.headers['x-request-id']) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${urlPath}: no answer in time`)));
    req.on('error', reject);
  });
}

/**
 * CONNECTIONS keep-alive connections, each sending PER_CONNECTION requests one after another:
 * every other one to /log (the app logs a line naming the request), one in ten without an id.
 */
async function flood(port: number): Promise<Sent[]> {
  const sent: Sent[] = [];
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, connection) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        for (let seq = 0; seq < PER_CONNECTION; seq++) {
          const urlPath = seq % 2 === 0 ? '/log' : `/hello?n=${seq}`;
          const given = seq % 10 === 9 ? undefined : `c${connection}-${seq}`;
          const reply = await request(agent, port, urlPath, given);
          assert.equal(reply.status, 200);
          if (given !== undefined) assert.equal(reply.id, given, "the caller's id is kept");
          sent.push({ id: reply.id, path: urlPath, connection, seq });
        }
      } finally {
        agent.destroy();
      }
    }),
  );
  return sent;
}

interface Line {
  /** Which child wrote it: `server.1`, `server.2`. */
  child: string;
  kind: 'record' | 'app';
  /** The request's id (a record's requestId, an app line's `of`). */
  id: string;
  /** A record's path and status. */
  path?: string;
  status?: number;
}

function fromJson(line: string): Line | undefined {
  const record = JSON.parse(line) as Record<string, unknown>;
  if (record.component !== 'server') return undefined;
  const child = `server.${String(record.instance)}`;
  if (record.message === 'app line') return { child, kind: 'app', id: String(record.of) };
  if (typeof record.requestId !== 'string') return undefined;
  assert.equal(record.message, `GET ${String(record.path)} ${String(record.status)} ${String(record.ms)}ms`);
  assert.equal(record.level, 'info');
  assert.equal(record.method, 'GET');
  assert.ok(!Number.isNaN(Date.parse(String(record.timestamp))), 'a timestamp');
  return { child, kind: 'record', id: record.requestId, path: String(record.path), status: Number(record.status) };
}

const PRETTY = /^\d\d:\d\d:\d\d\.\d{3} (server\.\d) +\| (.*)$/;

function fromPretty(line: string): Line | undefined {
  const match = PRETTY.exec(line);
  if (!match) return undefined;
  const [, child, text] = match as unknown as [string, string, string];
  const app = /^app line of=(\S+)$/.exec(text);
  if (app) return { child, kind: 'app', id: app[1]! };
  const record = /^GET (\S+) (\d{3}) [\d.]+ms method=GET path=(\S+) status=(\d{3}) ms=[\d.]+ requestId=(\S+)$/.exec(text);
  if (!record) return undefined;
  assert.equal(record[1], record[3]);
  return { child, kind: 'record', id: record[5]!, path: record[3]!, status: Number(record[4]) };
}

/** Checks the promises of the log stream for the requests sent. */
function check(lines: Line[], sent: Sent[]): void {
  const records = new Map<string, number>();
  const appLines = new Map<string, number>();
  for (const [index, line] of lines.entries()) {
    const seen = line.kind === 'record' ? records : appLines;
    assert.ok(!seen.has(line.id), `one ${line.kind} line for ${line.id}, not two`);
    seen.set(line.id, index);
  }
  assert.equal(records.size, sent.length, 'a record for every request, and no other');
  for (const request of sent) {
    const at = records.get(request.id);
    assert.ok(at !== undefined, `a record of ${request.id}`);
    const record = lines[at]!;
    assert.equal(record.path, request.path.split('?')[0]);
    assert.equal(record.status, 200);
    if (request.path === '/log') {
      const appAt = appLines.get(request.id);
      assert.ok(appAt !== undefined, `the app's line of ${request.id}`);
      assert.equal(lines[appAt]!.child, record.child);
      assert.ok(appAt < at, `the app's line of ${request.id} comes before its record`);
    }
  }
  assert.equal(appLines.size, sent.filter((s) => s.path === '/log').length);
  // A connection's requests, one after another, have their records in that order in the
  // stream of the child that answered them.
  const order = new Map<string, number>();
  const byId = new Map(sent.map((s) => [s.id, s]));
  for (const line of lines) {
    if (line.kind !== 'record') continue;
    const request = byId.get(line.id)!;
    const key = `${line.child} ${request.connection}`;
    assert.ok((order.get(key) ?? -1) < request.seq, `${line.id} after the earlier requests of its connection`);
    order.set(key, request.seq);
  }
}

async function stopped(crew: CrewProcess): Promise<void> {
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0, crew.stderr());
}

for (const variant of ['json', 'pretty', 'json with a log file'] as const) {
  test(`request records under a flood (${variant}): each whole and once, in order with the child's lines`, async (t) => {
    const port = await freePort();
    const file = path.join(tempDir(t), 'crew.log');
    const yaml = variant === 'json with a log file' ? `log:\n  transports:\n    - { type: file, filename: ${JSON.stringify(file)} }\n` : '';
    const format = variant === 'pretty' ? 'pretty' : 'json';
    // Round-robin (crew's choice otherwise is the kernel's): with a shared socket, the first child
    // woken may accept all 16 connections at once, and the stream would hold one child's lines only.
    const env = { NODE_CLUSTER_SCHED_POLICY: 'rr' };
    const crew = runCrew(t, ['start', '--server', '2', '--app', fixtureApp('requests'), '--port', String(port), '--config', tempConfig(t, yaml), '--log-format', format], { raw: format === 'pretty', env });
    for (const tag of ['server.1', 'server.2']) await crew.waitForLine((line) => line.includes(`${tag} ready in`), `${tag} ready`);
    const sent = await flood(port);
    await stopped(crew);
    const parse = format === 'pretty' ? fromPretty : fromJson;
    const lines = crew.lines.map((line) => parse(line)).filter((line) => line !== undefined);
    check(lines, sent);
    assert.ok(new Set(lines.map((line) => line.child)).size === 2, 'both instances answered');
    if (variant === 'json with a log file') {
      const inFile = fs
        .readFileSync(file, 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => fromJson(line))
        .filter((line) => line !== undefined);
      check(inFile, sent);
    }
  });
}

for (const how of ['exit', 'throw', 'reject'] as const) {
  test(`a server child that goes down right after answering (${how}) loses no record made`, async (t) => {
    const port = await freePort();
    const config = tempConfig(t, 'server: { supervisor: { restart: { backoff: { initial: 50ms } } } }\n');
    const crew = runCrew(t, ['start', '--server', '--app', fixtureApp('requests'), '--port', String(port), '--config', config]);
    await crew.waitFor((r) => /server\.1 ready/.test(r.message), 'server ready');
    // Requests on a few connections at once, so records are gathered when the crash comes;
    // then the request whose handler schedules the crash for right after its answer.
    const sent = await Promise.all(
      Array.from({ length: 8 }, async (_, connection) => {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        const ids: string[] = [];
        for (let seq = 0; seq < 50; seq++) ids.push((await request(agent, port, '/hello', `c${connection}-${seq}`)).id);
        agent.destroy();
        return ids;
      }),
    );
    const crash = await request(new http.Agent(), port, `/crash?how=${how}`, `crash-${how}`);
    assert.equal(crash.status, 200);
    await crew.waitFor((r) => r.component === 'crew' && /server\.1 exited/.test(r.message), 'the crash');
    await stopped(crew);
    const recorded = crew.records.filter((r) => r.component === 'server' && typeof r.requestId === 'string').map((r) => r.requestId as string);
    const expected = [...sent.flat(), `crash-${how}`];
    assert.deepEqual([...recorded].sort(), [...expected].sort(), 'each answered request recorded once');
  });
}

test("a server child killed mid-batch (SIGKILL) loses no line the app wrote, and records only at the end", async (t) => {
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server', '--app', fixtureApp('requests'), '--port', String(port)]);
  await crew.waitFor((r) => /server\.1 ready/.test(r.message), 'server ready');
  const killedPid = (await crew.waitFor((r) => r.component === 'server' && r.instance === 1, 'a line of server.1')).pid;
  // Eight connections send requests one after another until the child is gone; the kill comes
  // while they run, so records are gathered and not yet written when it lands.
  let answered = 0;
  let kill: Promise<{ status: number; id: string }> | undefined;
  const perConnection = await Promise.all(
    Array.from({ length: 8 }, async (_, connection) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const sent: Array<{ id: string; path: string; answered: boolean }> = [];
      try {
        for (let seq = 0; seq < 2000; seq++) {
          const urlPath = seq % 2 === 0 ? '/log' : '/hello';
          const entry = { id: `k${connection}-${seq}`, path: urlPath, answered: false };
          sent.push(entry);
          const reply = await request(agent, port, urlPath, entry.id).catch(() => undefined);
          if (!reply) break; // the child is gone
          assert.equal(reply.status, 200);
          entry.answered = true;
          if (++answered === 400) kill = request(new http.Agent(), port, '/kill', 'the-kill');
        }
      } finally {
        agent.destroy();
      }
      return sent;
    }),
  );
  assert.ok(kill, 'the kill was sent');
  assert.equal((await kill).status, 200, 'the kill answered before the process died');
  await crew.waitFor((r) => r.component === 'crew' && /server\.1 exited/.test(r.message) && /SIGKILL/.test(r.message), 'the SIGKILL');
  await stopped(crew);

  const ofKilled = crew.records.filter((r) => r.component === 'server' && r.pid === killedPid);
  // Every line the app wrote before the kill, once and in order.
  assert.deepEqual(
    ofKilled.filter((r) => r.message === 'before the kill').map((r) => r.n),
    Array.from({ length: 50 }, (_, n) => n),
    "the app's 50 lines before the kill, once each, in order",
  );
  const appLines = new Map<string, number>();
  const records = new Map<string, number>();
  for (const [index, r] of ofKilled.entries()) {
    if (r.message === 'app line') {
      assert.ok(!appLines.has(String(r.of)), `one app line of ${String(r.of)}`);
      appLines.set(String(r.of), index);
    } else if (typeof r.requestId === 'string') {
      assert.ok(!records.has(r.requestId), `one record of ${r.requestId}`);
      assert.equal(r.message, `GET ${String(r.path)} ${String(r.status)} ${String(r.ms)}ms`, 'a whole record');
      records.set(r.requestId, index);
    }
  }
  let lost = 0;
  for (const sent of perConnection) {
    let missing: string | undefined;
    for (const entry of sent) {
      if (entry.answered && entry.path === '/log') assert.ok(appLines.has(entry.id), `the app's line of ${entry.id}, answered before the kill`);
      const at = records.get(entry.id);
      if (at === undefined) {
        if (entry.answered) lost++;
        missing ??= entry.id;
        continue;
      }
      // Records leave in the order they were made: none is missing before one that arrived.
      assert.equal(missing, undefined, `${entry.id} recorded although the earlier ${String(missing)} of its connection was not`);
      if (entry.path === '/log') assert.ok(appLines.get(entry.id)! < at, `the app's line of ${entry.id} before its record`);
    }
  }
  for (const id of records.keys()) assert.ok(id === 'the-kill' || /^k\d-\d+$/.test(id), `a record of a request sent: ${id}`);
  t.diagnostic(`${answered} requests answered before the kill; records of ${lost} answered requests were in the batch the kill took`);
});

test('per-component levels filter request records: none at `server: warn`', async (t) => {
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server', '--app', fixtureApp('requests'), '--port', String(port), '--config', tempConfig(t, 'log: { levels: { server: warn } }\n')]);
  await crew.waitFor((r) => /server\.1 ready/.test(r.message), 'server ready');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (let seq = 0; seq < 200; seq++) assert.equal((await request(agent, port, seq % 2 ? '/log' : '/hello', `w-${seq}`)).status, 200);
  agent.destroy();
  await stopped(crew);
  assert.deepEqual(
    crew.records.filter((r) => r.component === 'server'),
    [],
    'no request record, no info line of the app',
  );
});
