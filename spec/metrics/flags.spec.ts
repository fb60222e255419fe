// `--metrics PORT` and config's `metrics:`: a bad value, a port the server uses or one another
// process holds is refused before anything is forked (exit 2), naming the flag or the key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { runCrewToEnd } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { tempConfig } from '../helpers/temp-dir.js';

test('bad --metrics values are refused with exit 2, naming the flag', async (t) => {
  const config = tempConfig(t, `server: { port: ${await freePort()} }\n`);
  for (const value of ['abc', '-1', '65536', '1.5', '', '8080x']) {
    const result = await runCrewToEnd(['start', '--app', fixtureApp('web'), '--config', config, `--metrics=${value}`], { env: { CREW_CONTROL: path.join(config, 'c.sock') } });
    assert.equal(result.code, 2, `--metrics=${value}: ${result.stderr}`);
    assert.match(result.stderr, /--metrics: expected a port number from 0 \(off\) to 65535/, value);
  }
  const bare = await runCrewToEnd(['start', '--app', fixtureApp('web'), '--config', config, '--metrics'], { env: { CREW_CONTROL: path.join(config, 'c.sock') } });
  assert.equal(bare.code, 2, bare.stderr);
  assert.match(bare.stderr, /--metrics/);
});

test("bad metrics config, the server's own port and a port in use are refused with exit 2", async (t) => {
  const port = await freePort();
  const run = (yaml: string, args: string[] = []) => {
    const config = tempConfig(t, `server: { port: ${port} }\n${yaml}`);
    return runCrewToEnd(['start', '--app', fixtureApp('web'), '--config', config, ...args], { env: { CREW_CONTROL: path.join(config, 'c.sock') } });
  };
  const badPort = await run('metrics: { port: lots }\n');
  assert.equal(badPort.code, 2);
  assert.match(badPort.stderr, /metrics\.port/);
  assert.match(badPort.stderr, /an integer from 0 to 65535/);
  const badKey = await run('metrics: { prot: 9464 }\n');
  assert.equal(badKey.code, 2);
  assert.match(badKey.stderr, /metrics\.prot/);

  const same = await run('', ['--metrics', String(port)]);
  assert.equal(same.code, 2);
  assert.match(same.stderr, /metrics: port \d+ is the server's port/);

  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  t.after(() => holder.close());
  const held = (holder.address() as net.AddressInfo).port;
  const busy = await run(`metrics: { port: ${held} }\n`);
  assert.equal(busy.code, 2, busy.stderr);
  assert.match(busy.stderr, /^crew: metrics: /m);
});
