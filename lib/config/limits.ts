// Bounds shared by config values and command-line flags, so that a flag and the config key it
// overrides accept exactly the same values. No zod here: the command line loads this on every run.

/** Ports a server may listen on. 0 (any free port) is not one: every instance shares one known port. */
export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** Timers in Node.js fire at once when asked for more than 2^31-1 ms, so longer is refused. */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/** A port from a flag, a YAML number or a `${VAR}` string: 1 to 65535, else undefined. */
export function parsePortNumber(value: unknown): number | undefined {
  let n: number | undefined;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\s*\d+(?:\.0+)?\s*$/.test(value)) n = Number(value);
  return n !== undefined && Number.isInteger(n) && n >= MIN_PORT && n <= MAX_PORT ? n : undefined;
}
