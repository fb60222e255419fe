// A minimal HTTP GET (or another bodiless method) for specs, with a fresh connection each time
// unless an agent is given.
import http from 'node:http';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json(): unknown;
}

export function get(url: string, options: { agent?: http.Agent; headers?: Record<string, string>; timeout?: number; method?: 'GET' | 'HEAD' } = {}): Promise<Reply> {
  const method = options.method ?? 'GET';
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent: options.agent ?? false, headers: options.headers ?? {}, timeout: options.timeout ?? 10_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body, json: () => JSON.parse(body) }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`${method} ${url}: no answer in time`)));
    request.on('error', reject);
    request.end();
  });
}
