// The record of one request, as the JSON members the own-record writer takes
// (log/own-record-writer.ts `writeJson`): `message` ("GET /path 200 1.2ms"), `method`, `path`,
// `status`, `ms` and `requestId`. Built by hand because it is made for every request: the
// path is escaped once and used twice, a method Node knows and a status that is a number go in
// as they are. Anything else — an app may rewrite ctx.method or ctx.path to any value — is
// escaped like any JSON text, so the members are valid JSON whatever the request held.
import { METHODS } from 'node:http';

const KNOWN_METHODS = new Set(METHODS);

export function requestRecordMembers(method: unknown, path: unknown, status: unknown, ms: number, requestId: string): string {
  const methodText = typeof method === 'string' && KNOWN_METHODS.has(method) ? method : escaped(method);
  const pathJson = JSON.stringify(typeof path === 'string' ? path : String(path));
  const statusJson = typeof status === 'number' && Number.isFinite(status) ? String(status) : JSON.stringify(String(status));
  const statusText = statusJson.charCodeAt(0) === QUOTE ? statusJson.slice(1, -1) : statusJson;
  const msJson = Number.isFinite(ms) ? String(ms) : 'null';
  return `,"message":"${methodText} ${pathJson.slice(1, -1)} ${statusText} ${msJson}ms","method":"${methodText}","path":${pathJson},"status":${statusJson},"ms":${msJson},"requestId":${JSON.stringify(requestId)}`;
}

const QUOTE = 0x22;

/** The JSON text of String(value), without its quotes. */
function escaped(value: unknown): string {
  return JSON.stringify(String(value)).slice(1, -1);
}
