// Turns the schema's issues into ConfigIssues a person can act on: which layer the bad value
// came from, its key path, what was expected, what was found (redacted), and for an unknown
// key the known one it was probably meant to be.

import type * as z from 'zod';
import type { ConfigIssue } from './config-error.js';
import { describeValue } from './describe-value.js';
import { didYouMean } from './did-you-mean.js';
import type { FieldIssueParams } from './fields.js';
import type { Layer } from './layer.js';
import { formatPath, getAt, type KeyPath } from './tree.js';

const EXPECTED_TYPE: Record<string, string> = {
  object: 'a mapping of keys',
  record: 'a mapping of names',
  array: 'a list',
  string: 'a string',
  number: 'a number',
};

/**
 * The layer a failing path is blamed on: the last one that set the path itself, or failing
 * that, the last one that set its nearest ancestor (a missing `cron` is blamed on the file
 * that declared the schedule).
 */
export function originOf(path: KeyPath, layers: readonly Layer[]): Layer | undefined {
  for (let depth = path.length; depth >= 1; depth--) {
    const prefix = path.slice(0, depth);
    for (let i = layers.length - 1; i >= 0; i--) {
      const at = getAt(layers[i]!.data, prefix);
      if (at.found && at.value !== null && at.value !== undefined) return layers[i];
    }
  }
  return undefined;
}

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/** The keys crew knows in the mapping at `path`, found by walking the schema itself. */
function knownKeysAt(schema: z.ZodType, path: KeyPath): string[] {
  let node: unknown = schema;
  let rest = [...path];
  for (let guard = 0; guard < 100; guard++) {
    const def = defOf(node);
    if (def.type === 'pipe') node = defOf(def.in).type === 'transform' ? def.out : def.in;
    else if (def.type === 'default' || def.type === 'prefault' || def.type === 'optional') node = def.innerType;
    else if (def.type === 'object') {
      const shape = def.shape as Record<string, unknown>;
      if (rest.length === 0) return Object.keys(shape);
      const [key, ...tail] = rest;
      if (typeof key !== 'string' || !Object.hasOwn(shape, key)) return [];
      node = shape[key];
      rest = tail;
    } else if (def.type === 'record' || def.type === 'array') {
      if (rest.length === 0) return [];
      node = def.type === 'record' ? def.valueType : def.element;
      rest = rest.slice(1);
    } else return [];
  }
  return [];
}

function unknownKeyDetail(key: string, known: readonly string[]): string {
  const suggestion = didYouMean(key, known);
  if (suggestion) return `unknown key (did you mean "${suggestion}"?)`;
  return known.length > 0 ? `unknown key (known keys here: ${known.join(', ')})` : 'unknown key';
}

export function explainIssues(
  issues: readonly z.core.$ZodIssue[],
  layers: readonly Layer[],
  merged: unknown,
  schema: z.ZodType,
): ConfigIssue[] {
  const fallbackSource = layers.find((layer) => layer.file)?.source ?? 'config';
  const blame = (path: KeyPath): Pick<ConfigIssue, 'source' | 'file'> => {
    const layer = originOf(path, layers);
    return { source: layer?.source ?? fallbackSource, ...(layer?.file ? { file: layer.source } : {}) };
  };
  const found = (path: KeyPath, said?: string): string => {
    const at = getAt(merged, path);
    const described = said ?? describeValue(at.value, at.found);
    const names = originOf(path, layers)?.refs?.get(formatPath(path));
    return names && names.length > 0 ? `${described} (from ${names.map((n) => `\${${n}}`).join(', ')})` : described;
  };

  const unknownKeys: Array<ConfigIssue & { depth: number }> = [];
  const others: ConfigIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        unknownKeys.push({
          ...blame(path),
          path: formatPath(path),
          expected: known.length > 0 ? `one of ${known.join(', ')}` : 'no keys here',
          found: JSON.stringify(key),
          detail: unknownKeyDetail(key, known),
          depth: path.length,
        });
      }
      continue;
    }
    const params = issue.code === 'custom' ? (issue.params as Partial<FieldIssueParams> | undefined) : undefined;
    let expected: string | undefined = params?.expected;
    if (expected === undefined && issue.code === 'invalid_type') expected = EXPECTED_TYPE[issue.expected] ?? issue.expected;
    const entry: ConfigIssue = { ...blame(issue.path), path: formatPath(issue.path), found: found(issue.path, params?.found) };
    if (expected !== undefined) entry.expected = expected;
    else entry.detail = issue.message;
    others.push(entry);
  }
  // A mistyped key usually explains what follows it (a `crn:` typo also leaves `cron` missing),
  // and a mistyped top-level section hides everything under it: shallowest typos first.
  unknownKeys.sort((a, b) => a.depth - b.depth);
  return [...unknownKeys.map(({ depth: _depth, ...issue }) => issue), ...others];
}
