// A one-shot command that could not do its work for a reason outside crew (no running crew to
// ask, Redis unreachable, a full queue): reported as its message alone, exit code 1.
export class CommandError extends Error {
  override name = 'CommandError';
}
