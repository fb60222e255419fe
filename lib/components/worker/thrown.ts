// What a job's handler threw, told as it was. JavaScript lets a handler throw anything: an
// Error, a string, `{ code: 42 }`, undefined. `String(value)` would make an object
// "[object Object]" and `new Error(…)` would give it a stack from inside crew, which points at
// the wrong place. An Error keeps its message and stack; anything else is shown as Node shows
// it (`{ code: 42 }`), said to be what it is, and carries no stack.
import { inspect } from 'node:util';

export interface Thrown {
  /** The Error to hand to the queue (its message is what the queue records). */
  error: Error;
  /** Fields for the attempt's record: `error`, and `stack` or `thrown` (what kind of value it was). */
  fields: { error: string; stack?: string; thrown?: string };
}

export class NonErrorThrown extends Error {
  override name = 'NonErrorThrown';
}

export function describeThrown(value: unknown): Thrown {
  if (value instanceof Error || isErrorLike(value)) {
    const message = typeof value.message === 'string' ? value.message : show(value.message);
    const error = value instanceof Error ? value : Object.assign(new Error(message), { stack: value.stack });
    return { error, fields: { error: message, ...(typeof value.stack === 'string' ? { stack: value.stack } : {}) } };
  }
  const kind = kindOf(value);
  const message = typeof value === 'string' ? value : show(value);
  const error = new NonErrorThrown(message);
  // A stack from here would point into crew, not at the throw.
  error.stack = `${kind} was thrown, not an Error (no stack): ${message}`;
  return { error, fields: { error: message, thrown: kind } };
}

/** An Error from another realm (a vm context, a worker thread's structured clone). */
function isErrorLike(value: unknown): value is { message: unknown; stack?: unknown } {
  return typeof value === 'object' && value !== null && Object.prototype.toString.call(value) === '[object Error]';
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

function show(value: unknown): string {
  try {
    return inspect(value, { depth: 3, breakLength: Infinity, maxArrayLength: 20, maxStringLength: 500 });
  } catch (error) {
    // A proxy or a getter that throws while being looked at.
    return `(a value that cannot be shown: ${error instanceof Error ? error.message : 'inspecting it threw'})`;
  }
}
