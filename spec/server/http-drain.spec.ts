// The drain (lib/components/server/http-drain.ts) on a plain Node HTTP server in this process,
// with real keep-alive connections: a connection idle long before the drain is closed at once,
// one idle only a moment is left its full idle time, one whose idle time Node does not track
// is watched by the drain, and clients that send their next request the moment a response
// ends lose no request to the drain; the same for connections that have not sent a byte yet
// (a browser's preconnect).
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it, type TestContext } from 'node:test';
import { createDrain, type Drain } from '../../lib/components/server/http-drain.js';

/** Short, so the spec runs quickly; the drain's rule is the same at its default of 1 s. */
const IDLE_MS = 300;

interface Served {
  port: number;
  drain: Drain;
  server: http.Server;
  /** The server's side of each connection, in the order they came. */
  sockets: Socket[];
  /** An agent or a client socket of the test's, destroyed with the server when the test ends. */
  own<T extends { destroy(): unknown }>(thing: T): T;
}

/** A server with a drain; it, its connections and what the test owns are closed when the test ends, passed or failed. */
async function serve(t: TestContext, setup: (server: http.Server) => void = () => {}): Promise<Served> {
  const server = http.createServer((_request, response) => response.end('hello'));
  setup(server);
  const sockets: Socket[] = [];
  server.on('connection', (socket: Socket) => sockets.push(socket));
  const drain = createDrain(server, { idleCloseMs: IDLE_MS });
  const owned: Array<{ destroy(): unknown }> = [];
  t.after(() => {
    for (const thing of owned) thing.destroy();
    server.closeAllConnections();
    server.close();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const own = <T extends { destroy(): unknown }>(thing: T): T => {
    owned.push(thing);
    return thing;
  };
  return { port: (server.address() as AddressInfo).port, drain, server, sockets, own };
}

/** Whether the drain closed every connection before half the idle time had passed: before it could have watched one idle for all of it. */
async function closedAtOnce(drain: Drain): Promise<boolean> {
  const closed = drain.close(Date.now() + 10_000).then(() => true);
  return Promise.race([closed, delay(IDLE_MS / 2).then(() => false)]);
}

/** One GET on a keep-alive agent; resolves with its `Connection` header once the body has ended. */
function request(port: number, agent: http.Agent): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.headers.connection));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

/** A connection that sends nothing yet, as a browser's preconnect. */
async function preconnect(port: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return socket;
}

/** Sends one GET on a raw connection; resolves with all it read until the server closed it. */
function rawGet(socket: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.once('close', () => resolve(text));
    socket.once('error', reject);
    socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
  });
}

/** When the socket closed, by performance.now(). */
const closedAt = (socket: Socket) => new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())));

describe('the drain of idle keep-alive connections', () => {
  it('closes at once a connection that was idle for longer than the idle time before the drain began', async (t) => {
    const s = await serve(t);
    const agent = s.own(new http.Agent({ keepAlive: true }));
    assert.equal(await request(s.port, agent), 'keep-alive');
    // The connection now sits idle, as a browser's or a load balancer's does.
    await delay(IDLE_MS * 1.5);
    assert.equal(await closedAtOnce(s.drain), true);
  });

  it('leaves a connection idle only a moment at the drain open until it has been idle for the idle time', async (t) => {
    const s = await serve(t);
    await request(s.port, s.own(new http.Agent({ keepAlive: true })));
    const answered = performance.now();
    const closing = closedAt(s.sockets[0]!);
    await s.drain.close(Date.now() + 10_000);
    // Timers may fire a millisecond early by performance.now(): a small allowance.
    const after = (await closing) - answered;
    assert.ok(after >= IDLE_MS - 5, `closed ${after.toFixed(0)} ms after its response; the idle time is ${IDLE_MS} ms`);
  });

  it('watches a connection whose idle time Node does not track (keep-alive timeout off) for the idle time from the drain on', async (t) => {
    const s = await serve(t, (server) => {
      server.keepAliveTimeout = 0;
    });
    await request(s.port, s.own(new http.Agent({ keepAlive: true })));
    await delay(IDLE_MS * 1.5);
    const closing = closedAt(s.sockets[0]!);
    const began = performance.now();
    await s.drain.close(Date.now() + 10_000);
    assert.ok((await closing) - began >= IDLE_MS - 5, 'closed before the drain had seen it idle for the idle time');
  });

  it('closes at once a connection that never sent a byte and was opened longer than the idle time before the drain', async (t) => {
    const s = await serve(t);
    s.own(await preconnect(s.port));
    await delay(IDLE_MS * 1.5);
    assert.equal(await closedAtOnce(s.drain), true);
  });

  it('answers the first request of a connection opened a moment before the drain, sent while it drains', async (t) => {
    const s = await serve(t);
    const socket = s.own(await preconnect(s.port));
    const drained = s.drain.close(Date.now() + 10_000);
    // Sent a while into the drain, before the connection could have been idle for the idle time.
    await delay(IDLE_MS / 3);
    assert.match(await rawGet(socket), /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nhello$/);
    await drained;
  });

  it('loses no request of clients that send the next one the moment a response ends', async (t) => {
    const s = await serve(t);
    const agent = s.own(new http.Agent({ keepAlive: true, maxSockets: 16 }));
    const failures: unknown[] = [];
    let answered = 0;
    let draining = false;
    let underWay!: () => void;
    const warmedUp = new Promise<void>((resolve) => (underWay = resolve));
    // Each client asks again at once until a response says `Connection: close`; one that began
    // after the drain began is the last it sends.
    const client = async () => {
      for (;;) {
        try {
          const connection = await request(s.port, agent);
          answered += 1;
          if (answered === 2000) underWay();
          if (connection === 'close' || draining) return;
        } catch (error) {
          failures.push(error);
          return;
        }
      }
    };
    const clients = Array.from({ length: 16 }, client);
    // Under way on every connection: then the drain begins.
    await warmedUp;
    draining = true;
    await s.drain.close(Date.now() + 10_000);
    await Promise.all(clients);
    assert.deepEqual(failures, []);
    assert.ok(s.sockets.length <= 16, 'a client opened a new connection after its answer said close');
  });
});
