// Whether a job's data arrives as it was sent. Both drivers carry data as JSON, and
// JSON.stringify drops or changes what it cannot write without a word: a function or a symbol
// vanishes, a Map or a Set becomes `{}`, NaN becomes null, a class instance loses its class, a
// hole in an array becomes null. crew refuses such data at the call, naming where in the data
// the value is, and refuses data larger than `queue.maxPayload` once written as JSON.
//
// Allowed as written: plain objects and arrays of strings, finite numbers, booleans and null;
// a property whose value is undefined (it arrives missing, which reads the same); and any
// object with a `toJSON` method (a Date arrives as its ISO string: the object chose that).


export interface DataProblem {
  /** Where in the data: `data`, `data.user.tags[2]`. */
  path: string;
  /** What is wrong and what to do, in a phrase. */
  what: string;
}

/** The first value in `data` that would not arrive as sent, or undefined when everything would. */
export function findUnsendable(data: unknown, maxNodes = Infinity): DataProblem | 'too big' | undefined {
  const seen = new WeakSet<object>();
  // Depth-first without recursion: data nested thousands deep must not exhaust the stack here.
  const stack: Array<{ value: unknown; path: () => string; inArray: boolean }> = [{ value: data, path: () => 'data', inArray: false }];
  let nodes = 0;
  while (stack.length > 0) {
    const { value, path, inArray } = stack.pop()!;
    if ((nodes += 1) > maxNodes) return 'too big';
    const problem = judge(value, inArray);
    if (problem !== undefined) return { path: path(), what: problem };
    if (value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') continue;
    // Shared references are sent twice (fine); a cycle is refused by JSON.stringify afterwards.
    if (seen.has(value)) continue;
    seen.add(value);
    try {
      if (Array.isArray(value)) {
        if (value.length > maxNodes) return 'too big';
        for (let i = value.length - 1; i >= 0; i--) {
          if (!(i in value)) return { path: `${path()}[${i}]`, what: 'an empty slot of a sparse array would arrive as null: fill it, or send an object' };
          stack.push({ value: value[i], path: () => `${path()}[${i}]`, inArray: true });
        }
      } else {
        const keys = Object.keys(value);
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i]!;
          stack.push({ value: (value as Record<string, unknown>)[key], path: () => `${path()}${/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`, inArray: false });
        }
      }
    } catch (error) {
      // A getter or a proxy that throws: JSON.stringify would throw the same.
      return { path: path(), what: `reading it threw: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  return undefined;
}

function judge(value: unknown, inArray: boolean): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${String(value)} would arrive as null: send a string, or leave it out`;
    case 'undefined':
      return inArray ? 'undefined in an array would arrive as null: use null, or leave it out' : undefined;
    case 'bigint':
      return 'a BigInt cannot be written as JSON: send it as a string';
    case 'function':
      return 'a function cannot be sent to another process: send the data it needs instead';
    case 'symbol':
      return 'a symbol cannot be sent to another process: send a string instead';
    case 'object': {
      if (value === null || Array.isArray(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto === Object.prototype || proto === null) return undefined;
      if (value instanceof Map) return 'a Map would arrive as {}: send Object.fromEntries(map) or [...map]';
      if (value instanceof Set) return 'a Set would arrive as {}: send [...set]';
      const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
      const what = typeof name === 'string' && name !== '' ? `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name}` : 'an object with a class';
      return `${what} would arrive as a plain object (or {}) without its class: send plain data, or give the class a toJSON method`;
    }
    default:
      return `a ${typeof value} cannot be written as JSON`;
  }
}
