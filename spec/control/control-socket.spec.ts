import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { callControl, NoCrewError } from '../../lib/control/client.js';
import { startControlServer } from '../../lib/control/server.js';
import { controlSocketPath, prepareSocketDir } from '../../lib/control/socket-path.js';
import { defineVerb, VerbArgumentError } from '../../lib/control/verbs.js';
import { tempDir } from '../helpers/temp-dir.js';

const quiet = () => {
  const said: string[] = [];
  return { said, log: { info: (m: string) => said.push(m), warn: (m: string) => said.push(m), debug: () => undefined } };
};

const verbs = {
  echo: defineVerb({
    describe: 'answers its argument',
    parse(args) {
      if (typeof args !== 'string') throw new VerbArgumentError('echo takes a string');
      return args;
    },
    run: (text: string) => ({ text }),
  }),
};

async function serve(t: TestContext, socket: string) {
  const { said, log } = quiet();
  const server = await startControlServer({ path: socket, privateDir: false, verbs, log });
  assert.ok(server, said.join('\n'));
  t.after(() => server.close());
  return { server, said };
}

/** Sends raw lines and collects the answers, one per line. */
function raw(socket: string, text: string, answers: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const connection = net.connect(socket, () => connection.write(text));
    let got = '';
    connection.setEncoding('utf8');
    connection.on('data', (chunk: string) => {
      got += chunk;
      const lines = got.split('\n').filter(Boolean);
      if (lines.length >= answers) {
        connection.destroy();
        resolve(lines);
      }
    });
    connection.on('error', reject);
  });
}

describe('the control socket', () => {
  it('is found from the working folder under a folder only this user can enter', (t) => {
    const dir = tempDir(t);
    const socket = controlSocketPath(dir, {});
    assert.equal(path.dirname(socket), path.join(os.tmpdir(), `crew-${process.getuid!()}`));
    assert.equal(controlSocketPath(dir, {}), socket, 'the same folder gives the same socket');
    assert.notEqual(controlSocketPath(tempDir(t), {}), socket);
    assert.equal(controlSocketPath(dir, { CREW_CONTROL: 'x.sock' }), path.join(dir, 'x.sock'));
    const open = path.join(tempDir(t), 'open');
    fs.mkdirSync(open, { mode: 0o755 });
    fs.chmodSync(open, 0o755);
    assert.throws(() => prepareSocketDir(path.join(open, 's.sock'), true), /is open to other users \(mode 755\)/);
  });

  it('answers known verbs, refuses unknown verbs, bad arguments and lines that are not requests', async (t) => {
    const socket = path.join(tempDir(t), 'crew.sock');
    await serve(t, socket);
    assert.equal(fs.statSync(socket).mode & 0o777, 0o600);
    assert.deepEqual(await callControl(socket, 'echo', 'hi', 2000), { text: 'hi' });
    await assert.rejects(callControl(socket, 'jobs.destroy', {}, 2000), { message: 'unknown verb "jobs.destroy" (this crew knows: echo)' });
    await assert.rejects(callControl(socket, 'echo', 42, 2000), { message: 'echo takes a string' });
    const answers = await raw(socket, 'not json\n{"id":5}\n{"id":6,"verb":"echo","args":"ok"}\n', 3);
    assert.deepEqual(answers.map((a) => JSON.parse(a) as unknown), [
      { id: 0, ok: false, error: "not JSON: Unexpected token 'o', \"not json\" is not valid JSON" },
      { id: 5, ok: false, error: 'a request needs a verb' },
      { id: 6, ok: true, result: { text: 'ok' } },
    ]);
  });

  it('takes over a stale socket file, and steps aside for a live crew', async (t) => {
    const socket = path.join(tempDir(t), 'crew.sock');
    // A socket file with nobody listening, as a SIGKILLed crew leaves it.
    const holder = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(socket)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await once(holder.stdout!, 'data');
    holder.kill('SIGKILL');
    await once(holder, 'exit');
    assert.ok(fs.existsSync(socket));
    await serve(t, socket);
    const second = quiet();
    assert.equal(await startControlServer({ path: socket, privateDir: false, verbs, log: second.log }), undefined);
    assert.match(second.said.join('\n'), /another crew already answers on the control socket .*set CREW_CONTROL/);
  });

  it('tells a command when no crew runs there', async (t) => {
    const socket = path.join(tempDir(t), 'none.sock');
    await assert.rejects(callControl(socket, 'echo', 'x', 2000), (error: Error) => error instanceof NoCrewError && /no running crew found for this folder/.test(error.message));
  });
});
