// Where the members of a JSON object's text are: the key and value spans of its top level, in
// the order written, duplicates included. The relay keeps a child's JSON line as the text it
// is and moves or renames members by their spans; it never turns parsed values back into
// text, since JSON.stringify recurses and a value nested a few thousand deep overflows the
// stack. This walk is a loop: the depth of what it skips costs it a counter, not a frame.
//
// It expects text that JSON.parse accepted as an object (it checks nothing a parser would,
// and returns undefined for text that is not shaped like an object at all).

/** One member: `text.slice(keyStart, keyEnd)` is the key with its quotes, `[valueStart, valueEnd)` the value. */
export interface Member {
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const COLON = 58;

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

function skipSpace(text: string, at: number): number {
  while (at < text.length && isSpace(text.charCodeAt(at))) at++;
  return at;
}

/** The index just past the string whose opening quote is at `at`. */
function stringEnd(text: string, at: number): number {
  let from = at + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote === -1) return text.length;
    let slashes = 0;
    while (text.charCodeAt(quote - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** The index just past the value that starts at `at`. */
function valueEnd(text: string, at: number): number {
  const first = text.charCodeAt(at);
  if (first === QUOTE) return stringEnd(text, at);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    let i = at;
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (code === QUOTE) {
        i = stringEnd(text, i);
        continue;
      }
      if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
      else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return text.length;
  }
  // A number, true, false or null: up to the next separator.
  let i = at;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === COMMA || code === CLOSE_BRACE || code === CLOSE_BRACKET || isSpace(code)) break;
    i++;
  }
  return i;
}

/** The top-level members of the JSON object `text`, or undefined when it does not start as one. */
export function members(text: string): Member[] | undefined {
  let at = skipSpace(text, 0);
  if (text.charCodeAt(at) !== OPEN_BRACE) return undefined;
  const found: Member[] = [];
  at = skipSpace(text, at + 1);
  while (at < text.length && text.charCodeAt(at) !== CLOSE_BRACE) {
    if (text.charCodeAt(at) !== QUOTE) return undefined;
    const keyStart = at;
    const keyEnd = stringEnd(text, at);
    at = skipSpace(text, keyEnd);
    if (text.charCodeAt(at) !== COLON) return undefined;
    const valueStart = skipSpace(text, at + 1);
    const end = valueEnd(text, valueStart);
    found.push({ keyStart, keyEnd, valueStart, valueEnd: end });
    at = skipSpace(text, end);
    if (text.charCodeAt(at) === COMMA) at = skipSpace(text, at + 1);
  }
  return found;
}

/** A member's key as a string: its text without quotes, decoded only when it holds an escape. */
export function memberKey(text: string, member: Member): string {
  const raw = text.slice(member.keyStart + 1, member.keyEnd - 1);
  return raw.indexOf('\\') === -1 ? raw : (JSON.parse(text.slice(member.keyStart, member.keyEnd)) as string);
}
