// A mistake in how crew was invoked: reported on stderr, exit code 2, before anything is forked.
export class UsageError extends Error {
  override name = 'UsageError';
}
