// Small helpers for the plain trees that YAML parsing produces: telling mappings from other
// values, reading a key path, and printing one the way error messages show it.

export type KeyPath = readonly PropertyKey[];

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Assigns an own property even for the key `__proto__`, which `obj[key] = v` would turn into a prototype change. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The value at `path`, or `found: false` when some step of the path does not exist. */
export function getAt(tree: unknown, path: KeyPath): { found: boolean; value: unknown } {
  let node = tree;
  for (const key of path) {
    if (Array.isArray(node) && typeof key === 'number') {
      if (key < 0 || key >= node.length) return { found: false, value: undefined };
      node = node[key];
    } else if (isPlainObject(node) && typeof key === 'string' && Object.hasOwn(node, key)) {
      node = node[key];
    } else {
      return { found: false, value: undefined };
    }
  }
  return { found: true, value: node };
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `server.port`, `log.transports[0].level`, `components["my.mailer"].instances`. */
export function formatPath(path: KeyPath): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && PLAIN_KEY.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === '' ? '(top level)' : out;
}
