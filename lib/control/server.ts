// The running primary's control socket: a unix socket only its user can open (mode 0600 inside
// a 0700 folder), answering JSON-line requests through a table of verbs. It is responsible for:
// - taking over a stale socket file a killed crew left behind, and stepping aside (one
//   warning, no socket) when another live crew already answers at the same path;
// - answering every request line with exactly one response line, in order per connection;
// - refusing unknown verbs, malformed lines and over-long lines without trusting them;
// - holding a bounded amount per connection whatever a client sends: at most MAX_IN_FLIGHT
//   requests are taken before their answers are written, and nothing more is read while
//   answers wait for the client to read them (backpressure reaches the client, not memory);
// - closing a connection that has sent nothing and waits for nothing for `idleTimeoutMs`,
//   and taking at most MAX_CONNECTIONS at once;
// - never answering with a secret: error sentences go through the redactor;
// - removing its socket file when closed. `close` is safe to call twice.
import fs from 'node:fs';
import net from 'node:net';
import { redactText } from '../config/redact.js';
import type { CrewLogger } from '../log/index.js';
import { MAX_LINE_BYTES, parseRequest, type ControlResponse } from './protocol.js';
import { prepareSocketDir } from './socket-path.js';
import type { VerbTable } from './verbs.js';

export interface ControlServer {
  readonly path: string;
  close(): Promise<void>;
}

export interface ControlServerOptions {
  path: string;
  /** The path is crew's own default: its folder must be this user's alone (see ./socket-path.ts). */
  privateDir: boolean;
  verbs: VerbTable;
  log: Pick<CrewLogger, 'info' | 'warn' | 'debug'>;
  /** A connection with nothing sent and nothing pending for this long is closed (default IDLE_TIMEOUT_MS). */
  idleTimeoutMs?: number;
}

/** Requests of one connection taken and not yet answered; more wait unread. */
export const MAX_IN_FLIGHT = 16;
/** Commands open one connection for one request; a long-lived client (a dashboard) sends at least this often. */
export const IDLE_TIMEOUT_MS = 30_000;
export const MAX_CONNECTIONS = 64;

/** Starts listening; resolves undefined (after one warning) when the socket cannot be had. */
export async function startControlServer(options: ControlServerOptions): Promise<ControlServer | undefined> {
  const { path, log } = options;
  try {
    prepareSocketDir(path, options.privateDir);
    const existing = fs.lstatSync(path, { throwIfNoEntry: false });
    if (existing) {
      if (!existing.isSocket()) throw new Error(`${path} exists and is not a socket; choose another CREW_CONTROL`);
      if (await answers(path)) {
        log.warn(`another crew already answers on the control socket ${path}: \`crew jobs\` and friends run from this folder reach that one; set CREW_CONTROL to give this crew its own`);
        return undefined;
      }
      // Left behind by a crew that was killed: nothing listens there.
      fs.unlinkSync(path);
    }
  } catch (error) {
    log.warn(`no control socket: ${(error as Error).message}; \`crew jobs\` cannot reach this crew`);
    return undefined;
  }

  const sockets = new Set<net.Socket>();
  const idleTimeoutMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, options.verbs, log, idleTimeoutMs);
  });
  server.maxConnections = MAX_CONNECTIONS;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
    fs.chmodSync(path, 0o600);
  } catch (error) {
    server.close();
    log.warn(`no control socket at ${path}: ${(error as Error).message}; \`crew jobs\` cannot reach this crew`);
    return undefined;
  }
  server.on('error', (error) => log.warn(`control socket ${path}: ${error.message}`));
  // The control socket never keeps the primary alive by itself.
  server.unref();
  log.debug(`control socket at ${path}`, { control: path });

  let closing: Promise<void> | undefined;
  return {
    path,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        try {
          fs.unlinkSync(path);
        } catch (error) {
          // Already removed (by hand, or by a crew that took over the path): nothing to clean.
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log.warn(`could not remove the control socket ${path}: ${(error as Error).message}`);
        }
      });
      return closing;
    },
  };
}

function serve(socket: net.Socket, verbs: VerbTable, log: ControlServerOptions['log'], idleTimeoutMs: number): void {
  socket.setEncoding('utf8');
  // Unanswered text is buffer[offset…]; lines are taken from it only as answers make room.
  let buffer = '';
  let offset = 0;
  let inFlight = 0;
  let writeBlocked = false;
  // Answers go out in request order even when a later verb finishes first.
  let chain: Promise<void> = Promise.resolve();

  const reply = (response: ControlResponse) => {
    if (socket.destroyed || socket.writableEnded) return;
    if (!socket.write(`${encode(response)}\n`)) writeBlocked = true;
  };
  const pump = () => {
    while (inFlight < MAX_IN_FLIGHT && !writeBlocked && !socket.destroyed) {
      const newline = buffer.indexOf('\n', offset);
      if (newline < 0) break;
      const line = buffer.slice(offset, newline).trim();
      offset = newline + 1;
      if (line === '') continue;
      inFlight += 1;
      chain = chain
        .then(async () => reply(await answer(line, verbs)))
        .catch((error: unknown) => log.warn(`control socket: answering a request failed: ${redactText(String(error))}`))
        .finally(() => {
          inFlight -= 1;
          pump();
        });
    }
    if (offset > 0 && offset >= buffer.length / 2) {
      buffer = buffer.slice(offset);
      offset = 0;
    }
    if (buffer.length - offset > MAX_LINE_BYTES && buffer.indexOf('\n', offset) < 0) {
      reply({ id: 0, ok: false, error: `request line longer than ${MAX_LINE_BYTES} bytes` });
      socket.end();
      return;
    }
    // Read on only when every complete line has been taken: otherwise the client waits.
    const full = inFlight >= MAX_IN_FLIGHT || writeBlocked || buffer.indexOf('\n', offset) >= 0;
    if (full) socket.pause();
    else socket.resume();
  };

  socket.on('data', (chunk: string) => {
    buffer += chunk;
    pump();
  });
  socket.on('drain', () => {
    writeBlocked = false;
    pump();
  });
  socket.setTimeout(idleTimeoutMs, () => {
    // A verb still running (a reload waits for readiness) is not idleness.
    if (inFlight > 0 || writeBlocked) return;
    log.debug(`control connection idle for ${idleTimeoutMs} ms: closing it`);
    socket.destroy();
  });
  socket.on('error', (error) => log.debug(`control connection: ${error.message}`));
}

/** The answer line; a result that cannot be written as JSON becomes an error answer. */
function encode(response: ControlResponse): string {
  try {
    return JSON.stringify(response);
  } catch (error) {
    return JSON.stringify({ id: response.id, ok: false, error: `the answer could not be written as JSON: ${(error as Error).message}` });
  }
}

async function answer(line: string, verbs: VerbTable): Promise<ControlResponse> {
  const parsed = parseRequest(line);
  if (!parsed.ok) return { id: parsed.id, ok: false, error: redactText(parsed.error) };
  const { id, verb: name, args } = parsed.request;
  const verb = Object.hasOwn(verbs, name) ? verbs[name] : undefined;
  if (!verb) return { id, ok: false, error: `unknown verb "${name.slice(0, 100)}" (this crew knows: ${Object.keys(verbs).sort().join(', ') || 'none'})` };
  try {
    const result: unknown = await verb.run(verb.parse(args));
    return { id, ok: true, result: result ?? null };
  } catch (error) {
    return { id, ok: false, error: redactText(error instanceof Error ? error.message : String(error)) };
  }
}

/** Whether something listens at `path` (a live crew), as opposed to a stale file. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.connect(path);
    const done = (alive: boolean) => {
      probe.destroy();
      resolve(alive);
    };
    probe.once('connect', () => done(true));
    probe.once('error', () => done(false));
    probe.setTimeout(1000, () => done(false));
  });
}
