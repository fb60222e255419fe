// The server's one error path (lib/components/server/build-app.ts, Koa's ctx.onerror as crew
// sets it) and the drain's `Connection: close`, on crew's Koa app in this process with request
// records and metrics off: the road on which crew attaches nothing to the app's chain. Whatever
// the app throws, however it throws it, the request is answered once, as JSON with its own
// request id, and a 5xx is logged once; a failing socket is not the app's failure.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import Koa from 'koa';
import { Writable } from 'node:stream';
import type { CrewContext } from '../../lib/app/types.js';
import { buildKoaApp } from '../../lib/components/server/build-app.js';
import { createDrain, type Drain } from '../../lib/components/server/http-drain.js';
import { createChildLogger } from '../../lib/log/child-logger.js';
import { get } from '../helpers/http.js';

/** Every line the app's logger wrote, kept for the spec to read. */
class Kept extends Writable {
  lines: Array<{ level: string; message: string; requestId?: string }> = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    for (const line of chunk.toString().split('\n')) if (line !== '') this.lines.push(JSON.parse(line) as Kept['lines'][number]);
    done();
  }
}

/** How a route gives up its error. */
type Throw = 'sync' | 'async' | 'later';

interface Harness {
  url: string;
  kept: Kept;
  drain: Drain;
  koa: Koa;
  thrown: { value: unknown; how: Throw };
  /** Resolves once a request to /held is being held. */
  holding(): Promise<void>;
  /** Lets the held request go on. */
  release(): void;
  close(): Promise<void>;
}

/** `appOnError`: the app sets a ctx.onerror of its own, as koa-onerror does. */
async function harness(appOnError = false): Promise<Harness> {
  const kept = new Kept();
  // `warn`: the server's request records are off, as with `log: { levels: { server: warn } }`.
  const logger = createChildLogger({ level: 'warn', stream: kept });
  const ctx = { logger, env: 'development', component: 'server', instance: 1 } as unknown as CrewContext;
  const thrown: Harness['thrown'] = { value: undefined, how: 'sync' };
  const koa = buildKoaApp({ app: {}, ctx, isDraining: () => drain.draining, checks: {} });
  if (appOnError) {
    koa.context.onerror = function (this: Koa.Context, error: unknown) {
      if (error == null || this.headerSent) return;
      this.status = 418;
      this.res.end('the app answered');
    };
  }
  let release: (() => void) | undefined;
  let held!: () => void;
  const holding = new Promise<void>((resolve) => (held = resolve));
  koa.use(async (kctx, next) => {
    if (kctx.path === '/throw') {
      if (thrown.how === 'sync') throw thrown.value;
      await (thrown.how === 'later' ? new Promise((resolve) => setTimeout(resolve, 1)) : Promise.resolve());
      throw thrown.value;
    }
    if (kctx.path === '/held') {
      await new Promise<void>((resolve) => {
        release = resolve;
        held();
      });
      kctx.body = 'held';
      return;
    }
    if (kctx.path === '/socket-fails') {
      // The client's socket fails while the app works: Koa's on-finished reports it.
      kctx.req.socket.destroy(new Error('the socket failed'));
      await new Promise((resolve) => setTimeout(resolve, 5));
      kctx.body = 'too late';
      return;
    }
    kctx.body = 'hello';
    return next();
  });
  const server = http.createServer(koa.callback());
  const drain = createDrain(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    kept,
    drain,
    koa,
    thrown,
    holding: () => holding,
    release: () => release?.(),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** What an app might throw: errors with any status and exposure, and things that are no error at all. */
const thrownValue = fc.oneof(
  fc.constantFrom(null, undefined, 0, '', 'boom', Symbol('boom'), Object.create(null) as object),
  fc.anything(),
  fc
    .record({
      message: fc.oneof(fc.string(), fc.constant(undefined)),
      status: fc.oneof(fc.integer({ min: -1000, max: 2000 }), fc.double(), fc.string(), fc.constantFrom(404, 418, 422, 500, 503, 599, 600, 404.5)),
      expose: fc.oneof(fc.boolean(), fc.constant(undefined)),
    })
    .map(({ message, status, expose }) => Object.assign(new Error(message), { status, expose })),
  // An error whose every property throws when read.
  fc.constant(
    new Proxy(new Error('hostile'), {
      get() {
        throw new Error('read me not');
      },
    }),
  ),
);

function expectedStatus(value: unknown): number {
  if (!(value instanceof Error)) return 500;
  let status: unknown;
  try {
    status = (value as { status?: unknown }).status;
  } catch {
    return 500;
  }
  return Number.isInteger(status) && (status as number) >= 400 && (status as number) < 600 ? (status as number) : 500;
}

const answersEveryThrow = (h: () => Harness) => async () => {
  await fc.assert(
    fc.asyncProperty(thrownValue, fc.constantFrom<Throw>('sync', 'async', 'later'), fc.constantFrom<'GET' | 'HEAD'>('GET', 'HEAD'), async (value, how, method) => {
      const { url, kept, thrown } = h();
      thrown.value = value;
      thrown.how = how;
      const before = kept.lines.length;
      const reply = await get(`${url}/throw`, { method });
      const id = reply.headers['x-request-id'];
      assert.equal(typeof id, 'string');
      const status = expectedStatus(value);
      assert.equal(reply.status, status);
      assert.equal(reply.headers['content-type'], 'application/json; charset=utf-8');
      if (method === 'GET') {
        const body = reply.json() as { error: string; requestId: string };
        assert.equal(body.requestId, id);
        assert.equal(typeof body.error, 'string');
        if (status >= 500) assert.equal(body.error, 'Internal Server Error');
        assert.equal(Number(reply.headers['content-length']), Buffer.byteLength(reply.body));
      } else {
        assert.equal(reply.body, '');
      }
      const logged = kept.lines.slice(before).filter((line) => line.level === 'error');
      assert.equal(logged.length, status >= 500 ? 1 : 0, `errors logged: ${JSON.stringify(logged)}`);
      if (status >= 500) assert.equal(logged[0]!.requestId, id);
    }),
    { numRuns: 300 },
  );
};

describe('the error path with request records and metrics off', () => {
  let h: Harness;
  let withAppOnError: Harness;
  before(async () => {
    h = await harness();
    withAppOnError = await harness(true);
  });
  after(async () => {
    await h.close();
    await withAppOnError.close();
  });

  it('answers whatever the app throws, however, once, as JSON with the request id; a 5xx is logged once', answersEveryThrow(() => h));

  it("answers so too when the app set a ctx.onerror of its own (koa-onerror's way)", answersEveryThrow(() => withAppOnError));

  it('leaves a failing socket to Koa: no 5xx logged, the app hears of it on its error event', async () => {
    const heard = new Promise<Error>((resolve) => h.koa.once('error', resolve));
    const before = h.kept.lines.length;
    await assert.rejects(get(`${h.url}/socket-fails`));
    assert.equal((await heard).message, 'the socket failed');
    // The app's chain ends after the socket failed; nothing of it is an error of the app.
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.deepEqual(
      h.kept.lines.slice(before).filter((line) => line.level === 'error'),
      [],
    );
  });
});

describe('the drain with request records and metrics off', () => {
  it('closes the connection after a response on its way at the drain, and after one begun later', async () => {
    const h = await harness();
    try {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
      try {
        // Two keep-alive connections: one with a request held across the drain's start, one idle.
        const opened = await Promise.all([get(`${h.url}/`, { agent }), get(`${h.url}/`, { agent })]);
        for (const reply of opened) assert.equal(reply.headers.connection, 'keep-alive');
        const held = get(`${h.url}/held`, { agent });
        await h.holding();
        h.drain.stopAccepting();
        const later = await get(`${h.url}/`, { agent });
        assert.equal(later.headers.connection, 'close', 'a request begun while draining');
        h.release();
        const heldReply = await held;
        assert.equal(heldReply.body, 'held');
        assert.equal(heldReply.headers.connection, 'close', 'a request on its way when the drain began');
      } finally {
        agent.destroy();
      }
    } finally {
      await h.close();
    }
  });
});
