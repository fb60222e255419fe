// The control socket against clients that do not play by the rules: random and adversarial
// lines (every one answered once, in order, and nothing crashes), verb arguments of the wrong
// shape (refused, never run with defaults), a client that pipelines without reading (the
// server stops reading instead of growing), and a client that says nothing (closed).
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import fc from 'fast-check';
import { startControlServer, MAX_IN_FLIGHT } from '../../lib/control/server.js';
import type { VerbTable } from '../../lib/control/verbs.js';
import { supervisorVerbs } from '../../lib/primary/supervisor-verbs.js';
import type { Supervisor } from '../../lib/primary/supervisor.js';
import { tempDir } from '../helpers/temp-dir.js';

/** A supervisor with two components that only counts what it is asked to do. */
function fakeSupervisor() {
  const asked: Array<{ verb: string; tags?: string[] }> = [];
  const slot = (component: string, instance: number) => ({ component, instance, tag: `${component}.${instance}`, state: 'ready', restarts: 0, running: true, pid: 1000 + instance, startedAt: Date.now(), lastExit: undefined, rss: undefined, cpu: undefined, degraded: undefined });
  const slots = [slot('server', 1), slot('worker', 1)];
  const supervisor = {
    startedAt: Date.now(),
    slots: () => slots,
    select: (target: string) => {
      const found = slots.filter((s) => s.component === target || s.tag === target);
      return found.length > 0 ? found : undefined;
    },
    reload: async (_reason: string, chosen: typeof slots) => {
      asked.push({ verb: 'reload', tags: chosen.map((s) => s.tag) });
      return { replaced: chosen.map((s) => s.tag), failed: [] };
    },
    stop: async () => {
      asked.push({ verb: 'stop' });
    },
  };
  return { supervisor: supervisor as unknown as Supervisor, asked };
}

async function serve(t: TestContext, verbs: VerbTable, idleTimeoutMs?: number) {
  const socket = path.join(tempDir(t), 'crew.sock');
  const warnings: string[] = [];
  const server = await startControlServer({ path: socket, privateDir: false, verbs, log: { info: () => undefined, warn: (m: string) => warnings.push(m), debug: () => undefined }, ...(idleTimeoutMs ? { idleTimeoutMs } : {}) });
  assert.ok(server);
  t.after(() => server.close());
  return { socket, warnings };
}

/** Writes `text`, then collects answer lines until `count` arrived or the server closed. */
function exchange(socket: string, text: string | Buffer, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const client = net.connect(socket, () => client.write(text));
    let got = '';
    const done = () => {
      client.destroy();
      resolve(got.split('\n').filter((line) => line !== ''));
    };
    client.setEncoding('utf8');
    client.on('data', (chunk: string) => {
      got += chunk;
      if (got.split('\n').length - 1 >= count) done();
    });
    client.on('close', done);
    client.on('error', reject);
  });
}

const line = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.json({ maxDepth: 4 }),
  fc.record({ id: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)), verb: fc.oneof(fc.constantFrom('status', 'reload', 'restart', 'stop', '__proto__', 'constructor', 'toString'), fc.string()), args: fc.anything({ maxDepth: 3 }) }).map((r) => JSON.stringify(r)),
  fc.constantFrom('{"id":1,"verb":"reload","args":"worker"}', '{"id":2,"verb":"reload","args":["worker"]}', '{"id":3,"verb":"restart","args":{"target":"worker","x":1}}', '{"id":4,"verb":"stop","args":"now"}', '{"id":5,"verb":"__proto__"}', '[]', 'null', '{"id":1e400,"verb":"status"}'),
);

describe('the control socket under hostile input', () => {
  it('answers every line once, in order, whatever it is, and runs nothing it was not clearly asked', async (t) => {
    const { supervisor, asked } = fakeSupervisor();
    const verbs = supervisorVerbs(supervisor, 'test');
    const { socket, warnings } = await serve(t, verbs);
    await fc.assert(
      fc.asyncProperty(fc.array(line.map((l) => l.replace(/\n/g, ' ')), { minLength: 1, maxLength: 30 }), async (lines) => {
        asked.length = 0;
        const sent = lines.filter((l) => l.trim() !== '');
        const answers = await exchange(socket, `${lines.join('\n')}\n`, sent.length);
        assert.equal(answers.length, sent.length, `${sent.length} lines sent, ${answers.length} answers`);
        answers.forEach((answer, i) => {
          const parsed = JSON.parse(answer) as { id: number; ok: boolean; error?: string };
          assert.equal(typeof parsed.ok, 'boolean');
          let request: { id?: unknown; verb?: unknown; args?: unknown } | undefined;
          try {
            request = JSON.parse(sent[i]!) as typeof request;
          } catch {
            request = undefined;
          }
          if (parsed.ok) {
            // Only a well-formed request of a known verb with arguments of its shape runs.
            assert.ok(request && typeof request === 'object' && ['status', 'reload', 'restart', 'stop'].includes(request.verb as string), `ran ${sent[i]}`);
            if (typeof request.id === 'number' && Number.isSafeInteger(request.id)) assert.equal(parsed.id, request.id);
            const { args } = request;
            if (request.verb === 'reload') assert.ok(args === undefined || args === null || (typeof args === 'object' && !Array.isArray(args)), `reload ran with ${JSON.stringify(args)}`);
          }
        });
        for (const { verb, tags } of asked) if (verb === 'reload') assert.ok(tags && tags.length > 0);
      }),
      { numRuns: 150 },
    );
    assert.deepEqual(warnings, []);
  });

  it('refuses verb arguments of the wrong shape instead of running with defaults', async (t) => {
    const { supervisor, asked } = fakeSupervisor();
    const { socket } = await serve(t, supervisorVerbs(supervisor, 'test'));
    const requests = [
      { verb: 'reload', args: 'worker' },
      { verb: 'reload', args: ['worker'] },
      { verb: 'reload', args: { target: 'worker', all: true } },
      { verb: 'reload', args: { target: 42 } },
      { verb: 'restart', args: 'worker' },
      { verb: 'restart', args: {} },
      { verb: 'status', args: 'all' },
      { verb: 'stop', args: { now: true } },
    ];
    const answers = await exchange(socket, requests.map((r, i) => JSON.stringify({ id: i + 1, ...r })).join('\n') + '\n', requests.length);
    for (const [i, answer] of answers.entries()) {
      const parsed = JSON.parse(answer) as { id: number; ok: boolean; error?: string };
      assert.deepEqual({ id: parsed.id, ok: parsed.ok }, { id: i + 1, ok: false }, `${JSON.stringify(requests[i])} -> ${answer}`);
      assert.match(parsed.error!, /takes/);
    }
    assert.deepEqual(asked, [], 'nothing was reloaded, restarted or stopped');
    // The right shapes still work.
    const good = await exchange(socket, '{"id":1,"verb":"reload","args":{"target":"worker"}}\n{"id":2,"verb":"reload"}\n', 2);
    assert.deepEqual(good.map((a) => (JSON.parse(a) as { ok: boolean }).ok), [true, true]);
    assert.deepEqual(asked, [{ verb: 'reload', tags: ['worker.1'] }, { verb: 'reload', tags: ['server.1', 'worker.1'] }]);
  });

  it('stops reading from a client that sends without reading, and answers everything once it reads', async (t) => {
    let runs = 0;
    const verbs: VerbTable = { ping: { describe: 'counts', parse: () => undefined, run: () => ({ pong: (runs += 1), pad: 'x'.repeat(200) }) } };
    const { socket } = await serve(t, verbs);
    const total = 200_000;
    const client = net.connect(socket);
    await new Promise((resolve) => client.once('connect', resolve));
    client.pause();
    // Every request at once; the socket keeps what the server does not take.
    client.write(Array.from({ length: total }, (_, i) => `{"id":${i + 1},"verb":"ping"}\n`).join(''));
    // Wait for the server to settle: no new run in 300 ms.
    let seen = -1;
    while (runs !== seen) {
      seen = runs;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    assert.ok(runs < total / 2, `the server ran ${runs} of ${total} requests nobody read the answers of`);
    assert.ok(client.writableLength > 0, 'the client holds what the server did not read');
    // Now read everything: every answer arrives, once, in order.
    let expected = 1;
    let buffered = '';
    client.setEncoding('utf8');
    await new Promise<void>((resolve, reject) => {
      client.on('data', (chunk: string) => {
        buffered += chunk;
        let newline = buffered.indexOf('\n');
        while (newline >= 0) {
          const { id, ok } = JSON.parse(buffered.slice(0, newline)) as { id: number; ok: boolean };
          if (id !== expected || !ok) reject(new Error(`answer ${id} (ok ${ok}) where ${expected} was due`));
          expected += 1;
          buffered = buffered.slice(newline + 1);
          newline = buffered.indexOf('\n');
        }
        if (expected > total) resolve();
      });
      client.resume();
    });
    client.destroy();
    assert.equal(runs, total);
    assert.ok(MAX_IN_FLIGHT > 0);
  });

  it('closes a connection that says nothing, but not one waiting for a slow answer', async (t) => {
    const verbs: VerbTable = { slow: { describe: 'answers late', parse: () => undefined, run: () => new Promise((resolve) => setTimeout(() => resolve('late'), 600)) } };
    const { socket } = await serve(t, verbs, 200);
    const silent = net.connect(socket);
    const closedAt = await new Promise<number>((resolve) => {
      const opened = Date.now();
      silent.on('close', () => resolve(Date.now() - opened));
    });
    assert.ok(closedAt >= 150 && closedAt < 5000, `closed after ${closedAt} ms`);
    const answers = await exchange(socket, '{"id":1,"verb":"slow"}\n', 1);
    assert.deepEqual(answers.map((a) => JSON.parse(a) as unknown), [{ id: 1, ok: true, result: 'late' }]);
  });
});
