// The one place where a refusal becomes text and an exit code: usage, config and app errors
// exit 2 (nothing was forked); anything else is a bug or a failure of the machine: exit 1.
// A command asked for `--json` also gets one JSON object on stdout, `{ error, kind, exitCode }`,
// so a script reading stdout never finds it empty; the sentence still goes to stderr.
import { ConfigError } from '../lib/config/config-error.js';
import { AppError } from '../lib/app/load-app.js';
import { UsageError } from '../lib/util/usage-error.js';
import { CommandError } from '../lib/util/command-error.js';

type Kind = 'usage' | 'config' | 'app' | 'no-crew' | 'command' | 'failure';

export function reportAndExit(error: unknown): never {
  if (typeof error === 'string') exit('usage', error, 2, `crew: ${error}\nRun \`crew --help\` for usage.\n`);
  // yargs wraps what a flag's coerce function throws in its own YError, keeping the message.
  const isYargsError = error instanceof Error && error.name === 'YError';
  if (error instanceof ConfigError) exit('config', error.message, 2);
  if (error instanceof AppError) exit('app', error.message, 2);
  if (error instanceof UsageError || isYargsError) exit('usage', error.message, 2);
  if (error instanceof CommandError) {
    const noCrew = error.cause instanceof Error && error.cause.name === 'NoCrewError';
    exit(noCrew ? 'no-crew' : 'command', error.message, 1);
  }
  const err = error instanceof Error ? error : new Error(String(error));
  exit('failure', `unexpected failure: ${err.message}`, 1, `crew: unexpected failure: ${err.stack ?? err.message}\n`);
}

function exit(kind: Kind, message: string, exitCode: 1 | 2, text = `crew: ${message}\n`): never {
  if (wantsJson(process.argv.slice(2))) process.stdout.write(`${JSON.stringify({ error: message, kind, exitCode })}\n`);
  process.stderr.write(text);
  process.exit(exitCode);
}

/** `--json` among the arguments: the command's answer is read by a program. */
export function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--json' || arg === '--json=true');
}
