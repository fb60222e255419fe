// Reads one YAML config file into a layer: parse (syntax errors with line and column), check
// that the top is a mapping, and fill in `${VAR}` references. A missing file is not an error:
// both config/default.yaml and config/<env>.yaml are optional.

import fs from 'node:fs';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { displayPath, type ConfigIssue } from './config-error.js';
import { describeValue } from './describe-value.js';
import { interpolate, type Environ } from './interpolate.js';
import type { Layer } from './layer.js';
import { formatPath, isPlainObject } from './tree.js';

export type ReadResult = { missing: true } | { missing: false; layer?: Layer; issues: ConfigIssue[] };

export function readLayer(file: string, environ: Environ): ReadResult {
  const source = displayPath(file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
    return { missing: false, issues: [{ source, file: source, detail: `cannot be read: ${(error as Error).message}` }] };
  }

  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter: lines });
  // Warnings (an unknown tag, say) are mistakes too: the file would not mean what it says.
  const problems: YAMLError[] = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    const issues = problems.map((problem): ConfigIssue => {
      const pos = lines.linePos(problem.pos[0]);
      return { source, file: source, line: pos.line, column: pos.col, detail: `YAML syntax error: ${problem.message}` };
    });
    return { missing: false, issues };
  }

  let value: unknown;
  try {
    value = doc.toJS();
  } catch (error) {
    // toJS throws for what parsing lets through, such as an alias to an anchor never defined.
    return { missing: false, issues: [{ source, file: source, detail: `YAML error: ${(error as Error).message}` }] };
  }
  if (value === null || value === undefined) value = {};
  if (!isPlainObject(value)) {
    return {
      missing: false,
      issues: [{ source, file: source, expected: 'a mapping of keys at the top level', found: describeValue(value) }],
    };
  }

  const filled = interpolate(value, environ);
  const issues = filled.issues.map((issue): ConfigIssue => ({
    source,
    file: source,
    path: formatPath(issue.path),
    expected: issue.expected,
    found: issue.found,
    detail: issue.message,
  }));
  return { missing: false, layer: { source, file, data: filled.value as Record<string, unknown>, refs: filled.refs }, issues };
}
