// The warning for an environment that has no config file of its own. `CREW_ENV=prod` (for
// `production`) would otherwise run on default.yaml alone, silently: no Redis URL, so the
// in-memory queue; the development port. The names every project uses without a file of their
// own, `development` and `test`, are left in peace.

import fs from 'node:fs';
import path from 'node:path';
import { displayPath } from './config-error.js';
import { didYouMean } from './did-you-mean.js';

const QUIET = new Set(['default', 'development', 'test']);

/** A sentence naming the file missing and the files read, or undefined when there is nothing to say. */
export function missingEnvFileWarning(dir: string, env: string, filesRead: readonly string[]): string | undefined {
  if (QUIET.has(env)) return undefined;
  const wanted = path.join(dir, `${env}.yaml`);
  if (filesRead.includes(wanted)) return undefined;
  const read = filesRead.length > 0 ? filesRead.map((file) => displayPath(file)).join(', ') : 'none';
  const others = envFilesIn(dir);
  // `prod` for `production`: a short form is too far for did-you-mean.
  const shortFor = others.filter((other) => other.startsWith(env) || env.startsWith(other));
  const suggestion = didYouMean(env, others) ?? (shortFor.length === 1 ? shortFor[0] : undefined);
  const list = others.length > 0 ? `environments with a file: ${others.join(', ')}` : '';
  const hint = suggestion ? ` (did you mean "${suggestion}"? ${list})` : list ? ` (${list})` : '';
  return `environment "${env}" has no ${displayPath(wanted)}, so it runs on the files read: ${read}${hint}`;
}

function envFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    // Listed only for a hint: a folder that cannot be listed now gives the warning without one.
    return [];
  }
  return names
    .filter((name) => name.endsWith('.yaml') && name !== 'default.yaml')
    .map((name) => name.slice(0, -'.yaml'.length))
    .sort();
}
