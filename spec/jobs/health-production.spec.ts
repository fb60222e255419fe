// `/_health` answers whoever asks. In production a failed check gives a short reason and no
// address (host, port, user, URL); elsewhere it gives the whole sentence, secrets masked.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCrew } from '../helpers/crew-process.js';
import { get } from '../helpers/http.js';
import { fixtureApp } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { tempConfig } from '../helpers/temp-dir.js';

const PASSWORD = 'Health-S3cret';

async function healthOf(t: Parameters<typeof runCrew>[0], nodeEnv: string): Promise<{ status: number; body: string; redisPort: number }> {
  const port = await freePort();
  // Nothing listens there: the queue check fails.
  const redisPort = await freePort();
  const config = tempConfig(
    t,
    [`app: ${fixtureApp('jobs')}`, `server: { port: ${port}, host: 127.0.0.1 }`, `queue: { driver: redis, url: "redis://crewuser:${PASSWORD}@127.0.0.1:${redisPort}/0" }`].join('\n'),
    { [`${nodeEnv}.yaml`]: '' },
  );
  const crew = runCrew(t, ['start', '--server', '--config', config], { env: { NODE_ENV: nodeEnv, CREW_ENV: undefined, REDIS_URL: '', CREW_CONTROL: path.join(config, 'control.sock') } });
  await crew.waitFor((r) => r.message.startsWith('server.1 ready in '), 'the server ready');
  // The first connection attempt fails within moments; until then the check says "connecting".
  const deadline = Date.now() + 15_000;
  for (;;) {
    const reply = await get(`http://127.0.0.1:${port}/_health`);
    const failed = (JSON.parse(reply.body) as { checks: { queue?: { error?: string } } }).checks.queue?.error;
    if (reply.status === 503 && failed !== undefined && failed !== 'connecting' && !/unreachable; /.test(failed)) return { ...reply, redisPort };
    if (Date.now() > deadline) throw new Error(`no failed check in time: ${reply.status} ${reply.body}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('/_health', () => {
  it('gives only short reasons in production', async (t) => {
    const { body, redisPort } = await healthOf(t, 'production');
    const report = JSON.parse(body) as { ok: boolean; checks: { queue: { ok: boolean; error: string } } };
    assert.equal(report.ok, false);
    assert.deepEqual({ ok: report.checks.queue.ok, error: report.checks.queue.error }, { ok: false, error: 'unreachable' });
    for (const address of ['127.0.0.1', String(redisPort), 'crewuser', 'redis:', PASSWORD]) assert.ok(!body.includes(address), `${address} in ${body}`);
  });

  it('says why elsewhere, with the password masked', async (t) => {
    const { body, redisPort } = await healthOf(t, 'test');
    assert.match(body, new RegExp(`Redis at redis://crewuser:\\*\\*\\*@127\\.0\\.0\\.1:${redisPort} is unreachable`));
    assert.ok(!body.includes(PASSWORD));
  });
});
