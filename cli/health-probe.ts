// What `crew health` decides and how it asks the server. The decision is pure (a status
// snapshot and an HTTP answer in, one sentence out); the probe is one bounded GET of /_health.
// What the server answers is not trusted: the body is capped, parsed if it can be, and what is
// quoted from it is flattened to one line and stripped of URL passwords.
import http from 'node:http';
import type { ChildStatus } from '../lib/primary/status.js';
import { redactText } from '../lib/config/redact.js';

/** The most of a /_health body read; crew's own is a few hundred bytes. */
const BODY_LIMIT = 64 * 1024;
/** The longest reason printed: one line for a probe's log. */
const REASON_LIMIT = 300;

export interface HealthAnswer {
  status: number;
  body: string;
}

/** Every child not `ready`, as "server.1 is starting", or undefined when all are. */
export function unreadyChildren(children: readonly ChildStatus[]): string | undefined {
  const unready = children.filter((child) => child.state !== 'ready').map((child) => `${child.component}.${child.instance} is ${child.state}`);
  if (children.length === 0) return 'the crew runs no child';
  return unready.length > 0 ? unready.join(', ') : undefined;
}

/** The failed checks of a /_health body, as "queue: no answer within 2000 ms"; the status alone if the body says nothing usable. */
export function describeUnhealthy(answer: HealthAnswer): string {
  let failed: string[] = [];
  try {
    const body = JSON.parse(answer.body) as { checks?: unknown };
    if (body && typeof body.checks === 'object' && body.checks !== null) {
      failed = Object.entries(body.checks as Record<string, unknown>)
        .filter(([, check]) => !(check && typeof check === 'object' && (check as { ok?: unknown }).ok === true))
        .map(([name, check]) => {
          const error = check && typeof check === 'object' ? (check as { error?: unknown }).error : undefined;
          return typeof error === 'string' && error !== '' ? `${name}: ${error}` : name;
        });
    }
  } catch {
    // Not JSON (a proxy's page, say): the status alone says it failed.
  }
  return failed.length > 0 ? `answered ${answer.status}, failed checks: ${failed.join('; ')}` : `answered ${answer.status}`;
}

/** One line, no secrets, bounded: what a health probe's log keeps. */
export function oneLine(text: string): string {
  const flat = redactText(text).replace(/\p{Cc}+/gu, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > REASON_LIMIT ? `${flat.slice(0, REASON_LIMIT - 1)}…` : flat;
}

/** The address to probe for a listen address: the wildcard ones are reached on loopback. */
export function probeHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host.replace(/^\[(.*)\]$/, '$1');
}

export function healthUrl(host: string, port: number): string {
  const shown = probeHost(host);
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}/_health`;
}

/** GET /_health on a fresh connection; rejects with a sentence when there is no answer within `timeoutMs`. */
export function getHealth(host: string, port: number, timeoutMs: number): Promise<HealthAnswer> {
  const url = healthUrl(host, port);
  return new Promise((resolve, reject) => {
    const request = http.get({ host: probeHost(host), port, path: '/_health', agent: false, signal: AbortSignal.timeout(timeoutMs), headers: { 'user-agent': 'crew-health' } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (body.length < BODY_LIMIT) body += chunk.slice(0, BODY_LIMIT - body.length);
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', (error) => reject(new Error(`GET ${url} failed while reading the answer: ${error.message}`)));
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'AbortError' || error.name === 'TimeoutError') reject(new Error(`GET ${url} did not answer within ${timeoutMs} ms`));
      else if (error.code === 'ECONNREFUSED') reject(new Error(`GET ${url}: nothing listens there (connection refused)`));
      else reject(new Error(`GET ${url} failed: ${error.message}`));
    });
  });
}
