// Every command runs in the project's folder, found from wherever it was started the way git
// finds its repository (lib/project/find-root.ts): `cd src && crew status` reaches the crew
// started in the project's folder, `crew config` and `crew doctor` read its config, and
// `crew start` there starts the same crew it starts from the top, children included (each
// starts in the project's folder). Paths typed on the command line (--app, --config,
// CREW_CONTROL) keep meaning what they meant where they were typed.
import path from 'node:path';
import { findProjectRoot } from '../lib/project/find-root.js';

let invoked: string | undefined;

/** Moves to the project's folder. Called once, first thing, before any child is forked. */
export function enterProjectFolder(): void {
  let from: string;
  try {
    from = process.cwd();
  } catch (error) {
    process.stderr.write(`crew: the working directory cannot be read (${(error as Error).message}): cd to the project's folder and try again\n`);
    process.exit(2);
  }
  invoked = from;
  const root = findProjectRoot(from);
  if (root !== from) process.chdir(root);
}

/** The folder the command was started in, for paths typed on the command line. */
export function invokedFrom(): string {
  return invoked ?? process.cwd();
}

/**
 * A path typed on the command line (or set in the caller's shell), made absolute against the
 * folder it was typed in, so that the move to the project's folder does not change it.
 */
export function typedPath(value: string): string {
  return path.resolve(invokedFrom(), value);
}
