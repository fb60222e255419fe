// The primary's /metrics endpoint: a plain HTTP server on `metrics.host:metrics.port`
// (loopback by default: it has no authentication), GET or HEAD /metrics only. It answers what
// the collector renders; anything else is a short 404 or 405 saying where the metrics are. A
// failed collection is a 500 with one sentence, and one record; the primary goes on.
import http from 'node:http';

export interface MetricsServerOptions {
  host: string;
  port: number;
  scrape(): Promise<string>;
  log: { error(message: string): void };
}

export interface MetricsServer {
  /** Where it listens (the port it was given, or the one the system chose for port 0 in specs). */
  readonly port: number;
  close(): Promise<void>;
}

/** Prometheus' text format, as prom-client's Registry names it (not imported here: prom-client loads at the first scrape). */
const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export async function serveMetrics(options: MetricsServerOptions): Promise<MetricsServer> {
  let failing = false;
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?', 1)[0];
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('crew serves its metrics at /metrics\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { 'content-type': 'text/plain; charset=utf-8', allow: 'GET, HEAD' }).end('/metrics answers GET and HEAD\n');
      return;
    }
    options.scrape().then(
      (text) => {
        failing = false;
        response.writeHead(200, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (error: Error) => {
        // One record per run of failures: a scraper retries every few seconds.
        if (!failing) options.log.error(`metrics: a scrape failed: ${error.stack ?? error.message}`);
        failing = true;
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`collecting the metrics failed: ${error.message}\n`);
      },
    );
  });
  // A scraper's kept-alive connection must not hold crew's exit.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${options.host}:${options.port}`;
      reject(new Error(error.code === 'EADDRINUSE' ? `port ${where} is already in use` : error.code === 'EADDRNOTAVAIL' ? `${options.host} is not an address of this machine` : `cannot listen on ${where}: ${error.message}`));
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
