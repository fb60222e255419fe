// Whether the server could listen where config says, asked before anything is forked: `crew
// start` refuses a port in use (exit 2) instead of forking every child, failing the server and
// draining the rest; `crew doctor` reports the same sentence. The probe binds and lets go at
// once; a server child binding later is still checked by its own listen.
import net from 'node:net';

/** Undefined when `host:port` can be listened on now; else what is wrong and what to do. */
export function portProblem(port: number, host: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(describeListenError(error, port, host)));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** The sentence for a failed listen, as the server child says it too. */
export function describeListenError(error: NodeJS.ErrnoException, port: number, host: string): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return `port ${port} on ${host} is already in use: stop the process that holds it, or choose another port with --port or PORT`;
    case 'EACCES':
      return `not allowed to listen on port ${port} on ${host}: choose a port above 1023 with --port or PORT`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot listen on host ${host}: it is not an address of this machine; check --host or HOST`;
    default:
      return `cannot listen on ${host}:${port}: ${error.message}`;
  }
}
