// `crew health`: 0 when every child of this folder's crew is ready and /_health answers 200,
// otherwise 1 with one line saying why — a failing check, a server that does not answer within
// --timeout, a component given up, no crew at all — and 2 for a bad flag. Its pure parts
// (what it reads from the server) get adversarial input: any body, any bytes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { runCrew, runCrewToEnd } from '../helpers/crew-process.js';
import { distRoot } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { tempConfig, tempDir } from '../helpers/temp-dir.js';
import { describeUnhealthy, healthUrl, oneLine, unreadyChildren } from '../../cli/health-probe.js';
import type { ChildStatus } from '../../lib/primary/status.js';

const app = path.join(distRoot, 'spec', 'deploy', 'fixtures', 'health-app.js');
const oneLineOf = (stderr: string) => {
  assert.equal(stderr.trim().split('\n').length, 1, `one line: ${stderr}`);
  return stderr.trim();
};

describe('crew health against a running crew', () => {
  it('says 0 while all is well, and 1 naming the reason for each way it is not', async (t) => {
    const port = await freePort();
    const dir = tempDir(t);
    const flags = { UNHEALTHY_FILE: path.join(dir, 'unhealthy'), CRASH_FILE: path.join(dir, 'crash') };
    const config = tempConfig(t, [`app: ${app}`, `server: { port: ${port} }`, 'components: { fragile: { supervisor: { restart: { intensity: { max: 0 }, giveUp: stay } } } }'].join('\n'));
    const env = { ...flags, CREW_CONTROL: path.join(dir, 'control.sock') };
    const crew = runCrew(t, ['start', '--server', '--component', 'fragile', '--config', config], { env });
    await crew.waitForCount((r) => r.component === 'crew' && / ready in /.test(r.message), 2, 'both children ready', 20_000);
    const health = (...args: string[]) => runCrewToEnd(['health', ...args], { env });

    await t.test('0 when every child is ready and /_health answers 200', async () => {
      const result = await health();
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`^healthy: server\\.1, fragile\\.1 ready; GET http://127\\.0\\.0\\.1:${port}/_health answered 200 in \\d+ ms\\n$`));
    });

    await t.test('1 naming the failed check when /_health answers 503, with no secret', async () => {
      fs.writeFileSync(flags.UNHEALTHY_FILE, '');
      const result = await health();
      fs.rmSync(flags.UNHEALTHY_FILE);
      assert.equal(result.code, 1);
      const line = oneLineOf(result.stderr);
      assert.match(line, new RegExp(`^crew: not healthy: GET http://127\\.0\\.0\\.1:${port}/_health answered 503, failed checks: flag: the flag file says so`));
      assert.doesNotMatch(line, /hunter2/);
    });

    await t.test('1 within --timeout when the server does not answer', async () => {
      const server = crew.records.find((r) => r.component === 'server')!;
      process.kill(server.pid, 'SIGSTOP');
      const started = Date.now();
      const result = await health('--timeout', '700ms').finally(() => process.kill(server.pid, 'SIGCONT'));
      assert.equal(result.code, 1);
      assert.match(oneLineOf(result.stderr), /^crew: not healthy: GET http:\/\/127\.0\.0\.1:\d+\/_health did not answer within \d+ ms$/);
      assert.ok(Date.now() - started < 5000, 'it gave up on time');
    });

    await t.test('1 naming a component that is not ready', async () => {
      fs.writeFileSync(flags.CRASH_FILE, '');
      const fragile = crew.records.find((r) => r.component === 'crew' && /^fragile\.1 started \(pid \d+\)/.test(r.message))!;
      process.kill(Number(/pid (\d+)/.exec(fragile.message)![1]), 'SIGKILL');
      await crew.waitFor((r) => r.component === 'crew' && /given up/.test(r.message), 'fragile given up', 20_000);
      const result = await health();
      assert.equal(result.code, 1);
      assert.equal(oneLineOf(result.stderr), 'crew: not healthy: fragile.1 is failed');
    });

    await t.test('1 once the crew is gone', async () => {
      crew.signal('SIGTERM');
      await crew.exited;
      const result = await health();
      assert.equal(result.code, 1);
      assert.match(oneLineOf(result.stderr), /^crew: not healthy: no running crew found for this folder/);
    });
  });

  it('refuses a bad --timeout with exit 2 naming the flag', async () => {
    const result = await runCrewToEnd(['health', '--timeout', 'soon']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^crew: --timeout: expected a duration greater than 0/);
  });
});

describe('what crew health reads from the server', () => {
  const child = (state: ChildStatus['state'], instance = 1): ChildStatus => ({ component: 'worker', instance, pid: 1, state, restarts: 0, uptime: 1, cpu: null, memory: null, lastExit: null });

  it('names every child that is not ready', () => {
    assert.equal(unreadyChildren([child('ready'), child('ready', 2)]), undefined);
    assert.equal(unreadyChildren([child('ready'), child('backoff', 2), child('starting', 3)]), 'worker.2 is backoff, worker.3 is starting');
    assert.equal(unreadyChildren([]), 'the crew runs no child');
  });

  it('probes a wildcard listen address on loopback', () => {
    assert.equal(healthUrl('0.0.0.0', 3000), 'http://127.0.0.1:3000/_health');
    assert.equal(healthUrl('::', 3000), 'http://[::1]:3000/_health');
    assert.equal(healthUrl('::1', 80), 'http://[::1]:80/_health');
    assert.equal(healthUrl('10.1.2.3', 8080), 'http://10.1.2.3:8080/_health');
  });

  it('turns any answer into one short line without URL passwords', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.oneof(fc.string(), fc.json(), fc.constant('{"ok":false,"checks":{"queue":{"ok":false,"error":"redis://:s3cret@h:6379 down\\n\\u0000"}}}')), (status, body) => {
        const line = oneLine(`not healthy: ${describeUnhealthy({ status, body })}`);
        assert.ok(!/\p{Cc}/u.test(line), line);
        assert.ok(line.length <= 300, `${line.length} characters`);
        assert.ok(!line.includes('s3cret'), line);
        assert.ok(line.includes(String(status)));
      }),
    );
  });
});
