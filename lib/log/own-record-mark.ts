// crew's own records on a child's stdout (the worker's record of each job run) are written by
// crew's code, complete and valid JSON by construction, and there can be tens of thousands a
// second. They start with a mark: the ASCII record separator (RS, as in RFC 7464's JSON text
// sequences) and a token the primary draws at random for each child process. The relay copies
// a line with its child's mark as it is, tags spliced in, instead of decoding and parsing it to
// find out that it is a valid record: about half of the primary's work per job. A line with
// any other start, the same bytes from another child included, takes the general way.
import { randomBytes } from 'node:crypto';

export const RECORD_SEPARATOR = 0x1e;

/** A fresh token for one child process. */
export function newRecordMark(): string {
  return randomBytes(6).toString('base64url');
}

/** What a marked line starts with, as the child writes it. */
export function markPrefix(mark: string): string {
  return `\x1e${mark}`;
}
