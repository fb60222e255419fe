// The command side of the control socket: sends one request to the running primary and returns
// its result. No crew listening, a socket that is not crew's, or no answer in time each fail
// with a sentence that says what to do.
import net from 'node:net';
import { parseResponse } from './protocol.js';

export class NoCrewError extends Error {
  override name = 'NoCrewError';
}

export function callControl(path: string, verb: string, args: unknown, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(path);
    let buffer = '';
    let settled = false;
    const finish = (error: Error | undefined, result?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(result);
    };
    const timer = setTimeout(() => finish(new Error(`the crew at ${path} did not answer "${verb}" within ${timeoutMs} ms`)), timeoutMs);
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(`${JSON.stringify({ id: 1, verb, args })}\n`));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const newline = buffer.indexOf('\n');
      if (newline < 0) return;
      const response = parseResponse(buffer.slice(0, newline));
      if (!response) finish(new Error(`${path} answered something that is not crew's control protocol`));
      else if (response.ok) finish(undefined, response.result);
      else finish(new Error(response.error));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') {
        finish(new NoCrewError(`no running crew found for this folder (no control socket answers at ${path}): start one with \`crew start\` here, or set CREW_CONTROL to its socket`));
      } else if (error.code === 'EACCES') {
        finish(new NoCrewError(`not allowed to open the control socket ${path}: it belongs to another user`));
      } else {
        finish(new Error(`control socket ${path}: ${error.message}`));
      }
    });
    socket.once('close', () => finish(new Error(`the crew at ${path} closed the connection without answering "${verb}"`)));
  });
}
