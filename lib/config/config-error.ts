// The one error type config loading throws. Each issue names where the value came from (a
// file relative to the working directory, `environment PORT`, `command line`), the key path,
// what was expected and what was found; the message lists them one per line, and crew exits 2.

import path from 'node:path';

export interface ConfigIssue {
  /** Where the value came from: `config/production.yaml`, `environment PORT`, `command line`. */
  source: string;
  /** The file, as shown in the message, when the value came from one. */
  file?: string;
  line?: number;
  column?: number;
  /** The key path, e.g. `server.port`. */
  path?: string;
  expected?: string;
  /** The value found, already quoted and redacted, or `nothing` when the key is missing. */
  found?: string;
  /** Said instead of "expected …, found …" where that does not fit: an unknown key, a YAML syntax error. */
  detail?: string;
}

/** How many issues the message lists before summing up the rest. */
const SHOWN = 10;

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.source : `${issue.source}:${issue.line}:${issue.column ?? 1}`;
  const what = issue.detail ?? `expected ${issue.expected ?? 'a valid value'}, found ${issue.found ?? 'nothing'}`;
  return issue.path === undefined ? `${where}: ${what}` : `${where}: ${issue.path}: ${what}`;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  /** Every problem found, most useful first; the fields below repeat the first one. */
  readonly issues: readonly ConfigIssue[];
  readonly file?: string;
  readonly path?: string;
  readonly expected?: string;
  readonly found?: string;
  readonly line?: number;
  readonly column?: number;

  constructor(issues: ConfigIssue | readonly ConfigIssue[]) {
    const list = Array.isArray(issues) ? (issues as readonly ConfigIssue[]) : [issues as ConfigIssue];
    if (list.length === 0) throw new TypeError('ConfigError needs at least one issue');
    const lines = list.slice(0, SHOWN).map(formatIssue);
    if (list.length > SHOWN) lines.push(`... and ${list.length - SHOWN} more config problem${list.length - SHOWN === 1 ? '' : 's'}`);
    super(lines.join('\n'));
    this.issues = list;
    const first = list[0]!;
    this.file = first.file;
    this.path = first.path;
    this.expected = first.expected;
    this.found = first.found;
    this.line = first.line;
    this.column = first.column;
  }
}

/** A file as messages show it: relative to the working directory when it is inside it. */
export function displayPath(file: string, cwd: string = process.cwd()): string {
  const relative = path.relative(cwd, file);
  if (relative === '') return '.';
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
