// yargs renders a command's whole help text each time it runs the command's handler, to have it
// at hand should the handler call showHelp(). `crew start` never does: its failures are reported
// by the program's fail() (./report-error.ts), without help. Rendering it anyway cost every start
// a few milliseconds of the primary's time before it hands the first child its spec (docs/
// benchmarks.md, "start to ready"). yargs has no option for this, so the command's usage instance,
// which yargs keeps across a parse, is given a cache that keeps nothing; `crew start --help`
// renders the help as before, by another road (yargs' help option).
import type { Argv } from 'yargs';

interface UsageInstance {
  cacheHelpMessage?: () => void;
}

interface Internals {
  getInternalMethods?: () => { getUsageInstance?: () => UsageInstance | undefined };
}

/** Tells yargs not to render this command's help ahead of its handler; a no-op if yargs changes shape. */
export function skipHelpCache<T>(yargs: Argv<T>): Argv<T> {
  const usage = (yargs as unknown as Internals).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined;
  return yargs;
}
