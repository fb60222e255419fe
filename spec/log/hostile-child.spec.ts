// What a hostile client can make a child write, through the real CLI: an app that logs request
// bodies (spec/log/apps/echo-log.ts) and the shipped example app. One line must never stop the
// primary; a record keeps the contract; pretty output shows control characters escaped.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { alive, runCrew, type CrewProcess } from '../helpers/crew-process.js';
import { get } from '../helpers/http.js';
import { distRoot } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { tempConfig, tempDir } from '../helpers/temp-dir.js';

const echoApp = path.join(path.dirname(fileURLToPath(import.meta.url)), 'apps', 'echo-log.js');
const exampleApp = path.join(distRoot, 'example', 'app.js');
// The line of the report: a JSON object nested 6,000 deep with a `pid` key.
const DEEP = `{"pid":1,"a":${'['.repeat(6000)}${']'.repeat(6000)}}`;
// eslint-disable-next-line no-control-regex -- control characters are what it is about
const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
// eslint-disable-next-line no-control-regex -- crew's own colours: ESC [ parameters m
const SGR = /\x1b\[([\d;]*)m/g;

function depth(value: unknown): number {
  let n = 0;
  while (Array.isArray(value)) {
    n++;
    value = value[0];
  }
  return n;
}

function post(port: number, route: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path: route, method: 'POST', agent: false, timeout: 10_000 }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('timeout', () => request.destroy(new Error(`POST ${route}: no answer in time`)));
    request.on('error', reject);
    request.end(body);
  });
}

async function startEcho(t: Parameters<typeof runCrew>[0], format: 'json' | 'pretty', configYaml = ''): Promise<{ crew: CrewProcess; port: number }> {
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server', '--app', echoApp, '--port', String(port), '--config', tempConfig(t, configYaml), '--log-format', format], { env: { FORCE_COLOR: undefined } });
  if (format === 'json') await crew.waitFor((r) => /server\.1 ready/.test(r.message), 'server ready');
  else await crew.waitForLine((l) => /crew +\| server\.1 ready/.test(l), 'server ready');
  return { crew, port };
}

async function stillServing(crew: CrewProcess, port: number): Promise<void> {
  assert.ok(alive(crew.process.pid!), 'the primary is alive');
  assert.equal((await get(`http://127.0.0.1:${port}/_ping`)).status, 200, 'the server still answers');
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0, 'crew stops cleanly');
}

test('a JSON line nested 6,000 deep with a pid, on stdout and stderr, leaves the primary running (json)', async (t) => {
  const { crew, port } = await startEcho(t, 'json');
  assert.equal(await post(port, '/log', DEEP), 200);
  assert.equal(await post(port, '/err', DEEP), 200);
  const [out, err] = await crew.waitForCount((r) => r.component === 'server' && r.childPid === 1, 2, 'both deep records');
  for (const record of [out!, err!]) {
    assert.equal(record.pid, crew.records.find((r) => r.component === 'server')?.pid, "the tag is crew's");
    assert.equal(depth(record.a), 6000, 'the value is kept whole');
  }
  assert.equal(err!.level, 'error');
  await stillServing(crew, port);
});

test('the same line in pretty, with a log file, leaves the primary running; the file gets the record', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'crew.log');
  const { crew, port } = await startEcho(t, 'pretty', `log:\n  transports:\n    - { type: file, filename: ${JSON.stringify(file)} }\n`);
  assert.equal(await post(port, '/log', DEEP), 200);
  const line = await crew.waitForLine((l) => l.includes('server.1') && l.includes('childPid=1'), 'the deep record in pretty');
  assert.ok(line.endsWith(`${']'.repeat(6000)}`), 'the value is shown whole');
  await stillServing(crew, port);
  const records = fs.readFileSync(file, 'utf8').trimEnd().split('\n').map((row) => JSON.parse(row) as Record<string, unknown>);
  assert.ok(records.some((r) => r.component === 'server' && r.childPid === 1 && depth(r.a) === 6000), 'the log file has the record');
});

test('a child record keeps the contract: crew time, a crew level, a string message; a progress bar is not held', async (t) => {
  const started = Date.now();
  const { crew, port } = await startEcho(t, 'json');
  await post(port, '/log', '{"timestamp":5,"level":"nonsense","message":123}');
  await post(port, '/log', '{"timestamp":"1999-01-01T00:00:00.000Z","level":"WARNING","message":"from the past"}');
  await post(port, '/log', '{"level":30,"time":1700000000000,"msg":"a pino line"}');
  const odd = await crew.waitFor((r) => r.childMessage === 123, 'the odd record');
  assert.equal(odd.level, 'info');
  assert.equal(odd.message, '123');
  assert.equal(odd.childTimestamp, 5);
  assert.equal(odd.childLevel, 'nonsense');
  assert.ok(Date.parse(odd.timestamp) >= started - 1000, `crew's time of receipt: ${odd.timestamp}`);
  const past = await crew.waitFor((r) => r.message === 'from the past', 'the backdated record');
  assert.ok(Date.parse(past.timestamp) >= started - 1000, 'cannot be backdated');
  assert.equal(past.childTimestamp, '1999-01-01T00:00:00.000Z');
  assert.equal(past.level, 'warn');
  const pino = await crew.waitFor((r) => r.message === 'a pino line', 'the pino record');
  assert.deepEqual([pino.level, pino.childLevel, pino.time], ['info', 30, 1700000000000]);
  // A progress bar redraws with "\r" and writes no "\n": each redraw arrives while it runs.
  await post(port, '/write', '\r 10%\r 20%\r');
  await crew.waitFor((r) => r.message === ' 20%', 'the progress line, before any newline');
  for (const line of crew.lines.filter(Boolean)) {
    const record = JSON.parse(line) as Record<string, unknown>;
    assert.equal(typeof record.message, 'string', line.slice(0, 200));
    assert.ok(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'].includes(record.level as string), line.slice(0, 200));
  }
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
});

test("the example app's /greet route: escape sequences in a name render escaped, crew's colours stay, every tag its own colour", async (t) => {
  const port = await freePort();
  const crew = runCrew(t, ['start', '--all', '--app', exampleApp, '--port', String(port), '--config', tempConfig(t, ''), '--log-format', 'pretty'], { env: { FORCE_COLOR: '1', NO_COLOR: undefined } });
  await crew.waitForLine((l) => l.replace(SGR, '').includes('| server.1 ready'), 'server ready');
  // Clears the screen, sets the window title, returns to the start of the line and forges a
  // record of crew's; then erases the line above; then paints the rest red.
  const names = ['%1b%5b2J%1b%5d0;pwned%07%0d13:37:00.000%20crew%20%7c%20stopped%20(exit%20code%200)', 'x%1b%5b1A%1b%5b2K', '%1b%5b31mred%e2%80%ae'];
  for (const name of names) assert.equal((await get(`http://127.0.0.1:${port}/greet?name=${name}`)).status, 200);
  const worker = (needle: string) => crew.waitForLine((l) => l.includes('worker.1') && l.includes(needle), `the worker's greeting with ${needle}`);
  const forged = await worker('pwned');
  assert.ok(forged.includes('hello, \\x1b[2J\\x1b]0;pwned\\x07\\r13:37:00.000 crew | stopped (exit code 0)!'), JSON.stringify(forged));
  assert.ok((await worker('1A')).includes('hello, x\\x1b[1A\\x1b[2K!'));
  assert.ok((await worker('red')).includes('hello, \\x1b[31mred\\u202e!'));
  // The scheduler and the heartbeat component speak every five seconds.
  await crew.waitForLine((l) => l.includes('heartbeat.1') && l.includes('still here'), 'the heartbeat component');
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);

  const colours = new Map<string, string>();
  for (const line of crew.lines.filter(Boolean)) {
    // Every escape sequence left is one of crew's colours; nothing else acts on the terminal.
    assert.doesNotMatch(line.replace(SGR, ''), UNSAFE, JSON.stringify(line));
    const tag = /^\x1b\[2m\d\d:\d\d:\d\d\.\d{3}\x1b\[0m \x1b\[([\d;]+)m(\S+?)(?:\.\d+)? +\|/.exec(line); // eslint-disable-line no-control-regex
    assert.ok(tag, `a dimmed time and a coloured tag: ${JSON.stringify(line.slice(0, 60))}`);
    const [, code, component] = tag;
    assert.equal(colours.get(component!) ?? code, code, `${component} keeps one colour`);
    colours.set(component!, code!);
  }
  assert.deepEqual([...colours.keys()].sort(), ['crew', 'heartbeat', 'scheduler', 'server', 'worker']);
  assert.equal(new Set(colours.values()).size, colours.size, `no two tags share a colour: ${JSON.stringify([...colours])}`);
  for (const [component, code] of colours) assert.ok(!['30', '37', '90', '97', '38;5;0', '38;5;15', '38;5;16', '38;5;231'].includes(code), `${component} is neither black nor white`);
});
