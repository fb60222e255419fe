// How config layers combine: mappings merge key by key, lists and scalars replace. An empty
// value (YAML `key:` with nothing after it) sets nothing, so commenting out every line of a
// block in config/production.yaml leaves default.yaml's block in force. Never mutates its inputs.

import { isPlainObject, setOwn } from './tree.js';

function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) setOwn(out, key, copy(item));
    return out;
  }
  return value;
}

export function deepMerge(base: unknown, upper: unknown): unknown {
  if (upper === undefined || (upper === null && base !== undefined)) return copy(base);
  if (isPlainObject(base) && isPlainObject(upper)) {
    const out = copy(base) as Record<string, unknown>;
    for (const [key, value] of Object.entries(upper)) setOwn(out, key, deepMerge(Object.hasOwn(base, key) ? base[key] : undefined, value));
    return out;
  }
  return copy(upper);
}
