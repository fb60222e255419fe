// The control socket's wire format: one JSON object per line each way. A request names a verb
// and carries its arguments; the answer carries the request's id and either a result or an
// error in a sentence. Verbs are looked up in a table (./verbs.ts); an unknown verb, a line
// that is not a request, or arguments the verb refuses get an error answer.

export interface ControlRequest {
  id: number;
  verb: string;
  args?: unknown;
}

export type ControlResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** A request line longer than this is refused (and the connection closed). */
export const MAX_LINE_BYTES = 1024 * 1024;

export function parseRequest(line: string): { ok: true; request: ControlRequest } | { ok: false; id: number; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { ok: false, id: 0, error: `not JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, id: 0, error: 'a request must be an object { id, verb, args? }' };
  const { id, verb } = value as Record<string, unknown>;
  const requestId = typeof id === 'number' && Number.isSafeInteger(id) ? id : 0;
  if (requestId === 0 && id !== 0) return { ok: false, id: 0, error: 'a request needs a numeric id' };
  if (typeof verb !== 'string' || verb === '') return { ok: false, id: requestId, error: 'a request needs a verb' };
  return { ok: true, request: value as ControlRequest };
}

export function parseResponse(line: string): ControlResponse | undefined {
  try {
    const value = JSON.parse(line) as Partial<ControlResponse>;
    if (typeof value !== 'object' || value === null || typeof value.id !== 'number' || typeof value.ok !== 'boolean') return undefined;
    return value as ControlResponse;
  } catch {
    // A garbled answer: the caller reports "not a crew control socket".
    return undefined;
  }
}
