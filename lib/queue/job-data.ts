// Whether a job's data arrives as it was sent. Both drivers carry data as JSON, and
// JSON.stringify drops or changes what it cannot write without a word: a function or a symbol
// vanishes, a Map or a Set becomes `{}`, NaN becomes null, a class instance loses its class, a
// hole in an array becomes null. crew refuses such data at the call, naming where in the data
// the value is, and refuses data larger than `queue.maxPayload` once written as JSON.
//
// Allowed as written: plain objects and arrays of strings, finite numbers, booleans and null;
// a property whose value is undefined (it arrives missing, which reads the same); and any
// object with a `toJSON` method (a Date arrives as its ISO string: the object chose that).
//
// The walk recurses (cheap: it runs at every enqueue, and allocates nothing unless it finds a
// problem), and goes on without recursion below MAX_RECURSION levels, so data nested
// thousands deep cannot exhaust the stack here. It counts the values it visits: each takes at
// least one byte of JSON, so more values than `maxNodes` is known to be too big, without
// walking a huge structure to its end.

export interface DataProblem {
  /** Where in the data: `data`, `data.user.tags[2]`. */
  path: string;
  /** What is wrong and what to do, in a phrase. */
  what: string;
}

const MAX_RECURSION = 500;
const HOLE = 'an empty slot of a sparse array would arrive as null: fill it, or send an object';

/** A problem on the way back up: `steps` from the value up to the root, reversed at the end. */
interface Found {
  steps: string[];
  what: string;
}
type Outcome = Found | 'too big' | undefined;

/** The first value in `data` that would not arrive as sent, or undefined when everything would. */
export function findUnsendable(data: unknown, maxNodes = Infinity): DataProblem | 'too big' | undefined {
  const found = walk(data, false, 0, { left: maxNodes });
  if (found === undefined || found === 'too big') return found;
  return { path: `data${found.steps.reverse().join('')}`, what: found.what };
}

function walk(value: unknown, inArray: boolean, depth: number, budget: { left: number }): Outcome {
  if ((budget.left -= 1) < 0) return 'too big';
  const problem = judge(value, inArray);
  if (problem !== undefined) return { steps: [], what: problem };
  if (!isContainer(value)) return undefined;
  if (depth >= MAX_RECURSION) return walkDeep(value, budget);
  try {
    if (Array.isArray(value)) {
      if (value.length > budget.left) return 'too big';
      for (let i = 0; i < value.length; i++) {
        if (!(i in value)) return { steps: [`[${i}]`], what: HOLE };
        const found = walk(value[i], true, depth + 1, budget);
        if (found !== undefined) return found === 'too big' ? found : (found.steps.push(`[${i}]`), found);
      }
    } else {
      for (const key of Object.keys(value)) {
        const found = walk((value as Record<string, unknown>)[key], false, depth + 1, budget);
        if (found !== undefined) return found === 'too big' ? found : (found.steps.push(step(key)), found);
      }
    }
  } catch (error) {
    return { steps: [], what: readingThrew(error) };
  }
  return undefined;
}

/** The same walk without recursion, for what lies below MAX_RECURSION levels. */
function walkDeep(root: object, budget: { left: number }): Outcome {
  // Shared references are walked once here; a cycle is refused by JSON.stringify afterwards.
  const seen = new WeakSet<object>();
  const stack: Array<{ value: unknown; path: () => string; inArray: boolean }> = [];
  const children = (value: object, path: () => string): Outcome => {
    if (seen.has(value)) return undefined;
    seen.add(value);
    try {
      if (Array.isArray(value)) {
        if (value.length > budget.left) return 'too big';
        for (let i = value.length - 1; i >= 0; i--) {
          if (!(i in value)) return { steps: [`${path()}[${i}]`], what: HOLE };
          stack.push({ value: value[i], path: () => `${path()}[${i}]`, inArray: true });
        }
      } else {
        const keys = Object.keys(value);
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i]!;
          stack.push({ value: (value as Record<string, unknown>)[key], path: () => `${path()}${step(key)}`, inArray: false });
        }
      }
    } catch (error) {
      return { steps: [path()], what: readingThrew(error) };
    }
    return undefined;
  };
  const first = children(root, () => '');
  if (first !== undefined) return first;
  while (stack.length > 0) {
    const { value, path, inArray } = stack.pop()!;
    if ((budget.left -= 1) < 0) return 'too big';
    const problem = judge(value, inArray);
    if (problem !== undefined) return { steps: [path()], what: problem };
    if (!isContainer(value)) continue;
    const found = children(value, path);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** An object or array whose contents JSON writes (one with toJSON says how it is written). */
function isContainer(value: unknown): value is object {
  return value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

function step(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function readingThrew(error: unknown): string {
  // A getter or a proxy that throws: JSON.stringify would throw the same.
  return `reading it threw: ${error instanceof Error ? error.message : String(error)}`;
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
