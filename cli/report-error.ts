// The one place where a refusal becomes text and an exit code: usage, config and app errors
// exit 2 (nothing was forked); anything else is a bug or a failure of the machine: exit 1.
import { ConfigError } from '../lib/config/config-error.js';
import { AppError } from '../lib/app/load-app.js';
import { UsageError } from '../lib/util/usage-error.js';
import { CommandError } from '../lib/util/command-error.js';

export function reportAndExit(error: unknown): never {
  if (typeof error === 'string') {
    process.stderr.write(`crew: ${error}\nRun \`crew --help\` for usage.\n`);
    process.exit(2);
  }
  // yargs wraps what a flag's coerce function throws in its own YError, keeping the message.
  const isYargsError = error instanceof Error && error.name === 'YError';
  if (error instanceof ConfigError || error instanceof UsageError || error instanceof AppError || isYargsError) {
    process.stderr.write(`crew: ${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof CommandError) {
    process.stderr.write(`crew: ${error.message}\n`);
    process.exit(1);
  }
  const err = error instanceof Error ? error : new Error(String(error));
  process.stderr.write(`crew: unexpected failure: ${err.stack ?? err.message}\n`);
  process.exit(1);
}
