// Reloads and restarts keep their promises: concurrent ones never leak a child (the kernel's
// list of the primary's children is what `crew status` shows), one whose replacement does not
// become ready keeps the old child serving and says so with exit 1, and a reload under
// keep-alive load at full speed fails no request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { alive, runCrew, runCrewToEnd, type LogRecord } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { get } from '../helpers/http.js';
import { tempConfig, tempDir } from '../helpers/temp-dir.js';
import { childrenOf } from '../helpers/processes.js';
import { callControl } from '../../lib/control/client.js';

const pidOf = (record: LogRecord) => Number(/\(pid (\d+)\)/.exec(record.message)?.[1]);

interface Status {
  children: Array<{ component: string; instance: number; pid: number | null; state: string }>;
}

test('five concurrent reloads of --server 2: the children the primary has are exactly those status lists; SIGTERM leaves no process', async (t) => {
  const env = { CREW_CONTROL: path.join(tempDir(t), 'control.sock') };
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server', '2', '--app', fixtureApp('lifecycle'), '--port', String(port), '--config', tempConfig(t, '')], { env });
  await crew.waitForCount((r) => /^server\.\d ready/.test(r.message), 2, 'two ready');

  const reloads = await Promise.all(Array.from({ length: 5 }, () => runCrewToEnd(['reload'], { env })));
  for (const reload of reloads) {
    assert.equal(reload.code, 0, reload.stderr);
    assert.equal(reload.stdout.trim(), 'reloaded server.1, server.2');
  }
  // One replacement at a time; a request for a child whose replacement is queued and not begun
  // joins it, so five requests make from three replacements (the first request's two, and one
  // of server.1 begun after the others came) to ten.
  const replacements = crew.records.filter((r) => /^server\.\d replacing/.test(r.message)).length;
  assert.ok(replacements >= 3 && replacements <= 10, `${replacements} replacements`);

  // Arguments that are not { target } are refused, never read as "everything" (null is JSON's
  // "no arguments", which for reload means every child).
  for (const args of ['server', ['server'], 42, { target: 42 }, { target: '' }, { target: 'server', all: true }]) {
    await assert.rejects(callControl(env.CREW_CONTROL, 'reload', args, 10_000), /^Error: reload takes \{ target\?: "component" \| "component\.N" \}/, JSON.stringify(args));
  }
  await assert.rejects(callControl(env.CREW_CONTROL, 'restart', { target: 'nope' }, 10_000), /this crew runs no "nope"/);

  const status = await runCrewToEnd(['status', '--json'], { env });
  const listed = (JSON.parse(status.stdout) as Status).children.map((c) => c.pid).sort((a, b) => Number(a) - Number(b));
  assert.equal(listed.length, 2);
  assert.deepEqual(childrenOf(crew.process.pid!), listed, 'the primary has exactly the children status lists');

  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
  const started = crew.records.filter((r) => /started \(pid/.test(r.message)).map(pidOf);
  assert.equal(started.length, 2 + replacements);
  assert.deepEqual(started.filter(alive), [], 'no child left');
});

test('a reload or restart whose replacement does not become ready keeps the old child serving and exits 1 naming it', async (t) => {
  const env = { CREW_CONTROL: path.join(tempDir(t), 'control.sock'), HANG_FILE: path.join(tempDir(t), 'hang') };
  const port = await freePort();
  // A start slowed down by a busy machine is retried rather than given up.
  const config = tempConfig(t, 'server:\n  supervisor: { readyTimeout: 4s, restart: { intensity: { max: 100 } } }\n');
  const crew = runCrew(t, ['start', '--server', '--app', fixtureApp('lifecycle'), '--port', String(port), '--config', config], { env });
  await crew.waitFor((r) => /^server\.1 ready/.test(r.message), 'ready');
  const { pid } = (await get(`http://127.0.0.1:${port}/pid`)).json() as { pid: number };

  const cases = [
    { command: ['reload'], file: 'hang', why: 'the replacement was not ready within 4000 ms; the running child was kept' },
    { command: ['restart', 'server.1'], file: 'crash', why: 'the replacement exited with code 3 before it became ready; the running child was kept' },
  ];
  for (const { command, file, why } of cases) {
    fs.writeFileSync(env.HANG_FILE, file);
    const answer = await runCrewToEnd(command, { env });
    assert.equal(answer.code, 1, `${command.join(' ')}: ${answer.stdout}${answer.stderr}`);
    assert.equal(answer.stdout, '');
    assert.equal(answer.stderr, `crew: server.1 was not replaced: ${why}\n`);
    assert.equal(((await get(`http://127.0.0.1:${port}/pid`)).json() as { pid: number }).pid, pid, 'the old child still serves');
  }
  fs.rmSync(env.HANG_FILE);
  const fixed = await runCrewToEnd(['reload', 'server'], { env });
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.notEqual(((await get(`http://127.0.0.1:${port}/pid`)).json() as { pid: number }).pid, pid);

  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0, 'a failed replacement is not a crash');
});

test('three reloads of two servers under 50 keep-alive connections at full speed fail no request', async (t) => {
  const env = { CREW_CONTROL: path.join(tempDir(t), 'control.sock') };
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server', '2', '--app', fixtureApp('lifecycle'), '--port', String(port), '--config', tempConfig(t, 'log: { levels: { server: warn } }\n')], { env });
  await crew.waitForCount((r) => /^server\.\d ready/.test(r.message), 2, 'two ready');

  let done!: (result: autocannon.Result) => void;
  const result = new Promise<autocannon.Result>((resolve) => (done = resolve));
  const load = autocannon({ url: `http://127.0.0.1:${port}/_ping`, connections: 50, pipelining: 1, duration: 120 }, (error, outcome) => {
    if (error) throw error;
    done(outcome);
  });
  t.after(() => load.stop());
  // Let the load reach full speed before each reload, and run on after the last.
  const pause = () => new Promise((resolve) => setTimeout(resolve, 1000));
  await pause();
  for (let i = 0; i < 3; i += 1) {
    const reload = await runCrewToEnd(['reload'], { env });
    assert.equal(reload.code, 0, reload.stderr);
    await pause();
  }
  load.stop();
  const { errors, timeouts, non2xx, requests } = await result;
  assert.ok(requests.total > 1000, `the load ran (${requests.total} requests)`);
  assert.deepEqual({ errors, timeouts, non2xx }, { errors: 0, timeouts: 0, non2xx: 0 }, `${requests.total} requests`);
  assert.equal(crew.records.filter((r) => /^server\.\d replacing/.test(r.message)).length, 6);

  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
});
