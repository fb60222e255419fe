// Replaces `${NAME}` and `${NAME:-fallback}` inside the string values of a parsed config file
// with values from an environment record. Keys are left alone, and so are types: a string that
// becomes "3000" stays a string, the schema decides what it must be.

import { formatPath, isPlainObject, setOwn, type KeyPath } from './tree.js';

export type Environ = Readonly<Record<string, string | undefined>>;

export interface InterpolationIssue {
  path: KeyPath;
  /** The reference as written, e.g. `${REDIS_URL}`. */
  reference: string;
  expected: string;
  found: string;
  message: string;
}

export interface Interpolated {
  value: unknown;
  issues: InterpolationIssue[];
  /** Formatted key path -> the variables its value was built from, so errors can say so. */
  refs: Map<string, string[]>;
}

const SYNTAX = '${NAME} or ${NAME:-fallback}';
const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

export function interpolate(tree: unknown, environ: Environ): Interpolated {
  const issues: InterpolationIssue[] = [];
  const refs = new Map<string, string[]>();

  const visit = (node: unknown, path: PropertyKey[]): unknown => {
    if (typeof node === 'string') return node.includes('${') ? substitute(node, path) : node;
    if (Array.isArray(node)) return node.map((item, index) => visit(item, [...path, index]));
    if (isPlainObject(node)) {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node)) setOwn(out, key, visit(value, [...path, key]));
      return out;
    }
    return node;
  };

  const substitute = (text: string, path: PropertyKey[]): string => {
    const names: string[] = [];
    let out = '';
    let from = 0;
    for (;;) {
      const start = text.indexOf('${', from);
      if (start === -1) break;
      out += text.slice(from, start);
      const end = text.indexOf('}', start + 2);
      if (end === -1) {
        issues.push({
          path,
          reference: text.slice(start),
          expected: SYNTAX,
          found: JSON.stringify(text.slice(start)),
          message: `"${text.slice(start)}" has no closing "}" (write \${NAME} or \${NAME:-fallback})`,
        });
        return text;
      }
      const reference = text.slice(start, end + 1);
      const match = REFERENCE.exec(text.slice(start + 2, end));
      if (!match) {
        issues.push({
          path,
          reference,
          expected: SYNTAX,
          found: JSON.stringify(reference),
          message: `"${reference}" is not a variable reference (write \${NAME} or \${NAME:-fallback}; NAME is letters, digits and _)`,
        });
        return text;
      }
      const name = match[1]!;
      const fallback = match[2];
      const value = environ[name];
      names.push(name);
      if (fallback !== undefined) {
        // As in the shell, `:-` also covers a variable that is set but empty.
        out += value === undefined || value === '' ? fallback : value;
      } else if (value === undefined) {
        issues.push({
          path,
          reference,
          expected: `environment variable ${name} to be set`,
          found: 'it unset',
          message: `environment variable ${name} is not set (set it, or write \${${name}:-fallback}, or \${${name}:-} if it is optional)`,
        });
        return text;
      } else {
        out += value;
      }
      from = end + 1;
    }
    refs.set(formatPath(path), names);
    return out + text.slice(from);
  };

  return { value: visit(tree, []), issues, refs };
}
