// The running primary's control socket: a unix socket only its user can open (mode 0600 inside
// a 0700 folder), answering JSON-line requests through a table of verbs. It is responsible for:
// - taking over a stale socket file a killed crew left behind, and stepping aside (one
//   warning, no socket) when another live crew already answers at the same path;
// - answering every request line with exactly one response line, in order per connection;
// - refusing unknown verbs, malformed lines and over-long lines without trusting them;
// - removing its socket file when closed. `close` is safe to call twice.
import fs from 'node:fs';
import net from 'node:net';
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
}

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
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serve(socket, options.verbs, log);
  });
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

function serve(socket: net.Socket, verbs: VerbTable, log: ControlServerOptions['log']): void {
  socket.setEncoding('utf8');
  let buffer = '';
  // Answers go out in request order even when a later verb finishes first.
  let chain: Promise<void> = Promise.resolve();
  const reply = (response: ControlResponse) => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(response)}\n`);
  };
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    if (buffer.length > MAX_LINE_BYTES && !buffer.includes('\n')) {
      reply({ id: 0, ok: false, error: `request line longer than ${MAX_LINE_BYTES} bytes` });
      socket.end();
      return;
    }
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
      if (line === '') continue;
      chain = chain.then(async () => reply(await answer(line, verbs)));
    }
  });
  socket.on('error', (error) => log.debug(`control connection: ${error.message}`));
}

async function answer(line: string, verbs: VerbTable): Promise<ControlResponse> {
  const parsed = parseRequest(line);
  if (!parsed.ok) return { id: parsed.id, ok: false, error: parsed.error };
  const { id, verb: name, args } = parsed.request;
  const verb = Object.hasOwn(verbs, name) ? verbs[name] : undefined;
  if (!verb) return { id, ok: false, error: `unknown verb "${name}" (this crew knows: ${Object.keys(verbs).sort().join(', ') || 'none'})` };
  try {
    const result: unknown = await verb.run(verb.parse(args));
    return { id, ok: true, result: result ?? null };
  } catch (error) {
    return { id, ok: false, error: (error as Error).message };
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
