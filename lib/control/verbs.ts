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
