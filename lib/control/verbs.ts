// The shape of a control verb and its table. A verb checks its own arguments (`parse` throws a
// sentence naming what is wrong) before it runs; the server answers an unknown verb by listing
// the known ones. Each concern adds its verbs as a table of its own (./verbs/*.ts) and the
// primary merges them.

export interface Verb<Args = unknown, Result = unknown> {
  describe: string;
  parse(args: unknown): Args;
  run(args: Args): Promise<Result> | Result;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type VerbTable = Readonly<Record<string, Verb<any, any>>>;

export function defineVerb<Args, Result>(verb: Verb<Args, Result>): Verb<Args, Result> {
  return verb;
}

/** A verb's refusal of its arguments: answered as an error, never a crash. */
export class VerbArgumentError extends Error {
  override name = 'VerbArgumentError';
}

/** For a verb that takes no arguments: none, `null` or `{}`; anything else is refused. */
export function noArgs(verb: string, args: unknown): undefined {
  if (args === undefined || args === null) return undefined;
  if (isPlainObject(args) && Object.keys(args).length === 0) return undefined;
  throw new VerbArgumentError(`${verb} takes no arguments, found ${shapeOf(args)}`);
}

/**
 * For a verb whose arguments are `{ key: … }`: a plain object with no key but `keys`, or (when
 * `optional`) none at all, which reads as `{}`. Anything else — a string, a list, an unknown
 * key — is refused with `usage`, so a mistyped request never runs with defaults.
 */
export function objectArgs<K extends string>(verb: string, args: unknown, keys: readonly K[], usage: string, optional = false): Partial<Record<K, unknown>> {
  if ((args === undefined || args === null) && optional) return {};
  if (!isPlainObject(args)) throw new VerbArgumentError(`${verb} takes ${usage}, found ${shapeOf(args)}`);
  const unknown = Object.keys(args).filter((key) => !(keys as readonly string[]).includes(key));
  if (unknown.length > 0) throw new VerbArgumentError(`${verb} takes ${usage}, found the unknown key ${JSON.stringify(unknown[0]!.slice(0, 100))}`);
  return args as Partial<Record<K, unknown>>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What was sent instead, in a word: never the value itself. */
function shapeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
