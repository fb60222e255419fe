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
import { describe, it } from 'node:test';
import { createDrain, type Drain } from '../../lib/components/server/http-drain.js';

/** Short, so the spec runs quickly; the drain's rule is the same at its default of 1 s. */
const IDLE_MS = 300;

interface Served {
  port: number;
  drain: Drain;
  server: http.Server;
  /** The server's side of each connection, in the order they came. */
  sockets: Socket[];
}

async function serve(setup: (server: http.Server) => void = () => {}): Promise<Served> {
  const server = http.createServer((_request, response) => response.end('hello'));
  setup(server);
  const sockets: Socket[] = [];
  server.on('connection', (socket: Socket) => sockets.push(socket));
  const drain = createDrain(server, { idleCloseMs: IDLE_MS });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, drain, server, sockets };
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
  it('closes at once a connection that was idle for longer than the idle time before the drain began', async () => {
    const s = await serve();
    const agent = new http.Agent({ keepAlive: true });
    try {
      assert.equal(await request(s.port, agent), 'keep-alive');
      // The connection now sits idle, as a browser's or a load balancer's does.
      await delay(IDLE_MS * 1.5);
      const closed = s.drain.close(Date.now() + 10_000).then(() => 'closed');
      // Before the drain could have seen it idle for the idle time itself.
      const first = await Promise.race([closed, delay(IDLE_MS / 2).then(() => 'still open')]);
      assert.equal(first, 'closed');
    } finally {
      agent.destroy();
      s.server.closeAllConnections();
    }
  });

  it('leaves a connection idle only a moment at the drain open until it has been idle for the idle time', async () => {
    const s = await serve();
    const agent = new http.Agent({ keepAlive: true });
    try {
      await request(s.port, agent);
      const answered = performance.now();
      const socket = s.sockets[0]!;
      const closing = closedAt(socket);
      await s.drain.close(Date.now() + 10_000);
      // Timers may fire a millisecond early by performance.now(): a small allowance.
      assert.ok((await closing) - answered >= IDLE_MS - 5, `closed ${((await closing) - answered).toFixed(0)} ms after its response; the idle time is ${IDLE_MS} ms`);
    } finally {
      agent.destroy();
      s.server.closeAllConnections();
    }
  });

  it('watches a connection whose idle time Node does not track (keep-alive timeout off) for the idle time from the drain on', async () => {
    const s = await serve((server) => {
      server.keepAliveTimeout = 0;
    });
    const agent = new http.Agent({ keepAlive: true });
    try {
      await request(s.port, agent);
      await delay(IDLE_MS * 1.5);
      const socket = s.sockets[0]!;
      const closing = closedAt(socket);
      const began = performance.now();
      await s.drain.close(Date.now() + 10_000);
      assert.ok((await closing) - began >= IDLE_MS - 5, 'closed before the drain had seen it idle for the idle time');
    } finally {
      agent.destroy();
      s.server.closeAllConnections();
    }
  });

  it('closes at once a connection that never sent a byte and was opened longer than the idle time before the drain', async () => {
    const s = await serve();
    const socket = await preconnect(s.port);
    try {
      await delay(IDLE_MS * 1.5);
      const closed = s.drain.close(Date.now() + 10_000).then(() => 'closed');
      const first = await Promise.race([closed, delay(IDLE_MS / 2).then(() => 'still open')]);
      assert.equal(first, 'closed');
    } finally {
      socket.destroy();
      s.server.closeAllConnections();
    }
  });

  it('answers the first request of a connection opened a moment before the drain, sent while it drains', async () => {
    const s = await serve();
    const socket = await preconnect(s.port);
    try {
      const drained = s.drain.close(Date.now() + 10_000);
      // Sent a while into the drain, before the connection could have been idle for the idle time.
      await delay(IDLE_MS / 3);
      const answer = await rawGet(socket);
      assert.match(answer, /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nhello$/);
      await drained;
    } finally {
      socket.destroy();
      s.server.closeAllConnections();
    }
  });

  it('loses no request of clients that send the next one the moment a response ends', async () => {
    const s = await serve();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
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
    try {
      const clients = Array.from({ length: 16 }, client);
      // Under way on every connection: then the drain begins.
      await warmedUp;
      draining = true;
      await s.drain.close(Date.now() + 10_000);
      await Promise.all(clients);
      assert.deepEqual(failures, []);
      assert.ok(s.sockets.length <= 16, 'a client opened a new connection after its answer said close');
    } finally {
      agent.destroy();
      s.server.closeAllConnections();
    }
  });
});
