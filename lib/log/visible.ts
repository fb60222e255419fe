// What the pretty format shows of text it did not write: a child's line, a field, a key, an
// error message. A terminal acts on control characters instead of showing them: ESC starts
// sequences that clear the screen, move the cursor, set the window title or forge colours; CR
// returns to the start of the line, so what follows overwrites the time and tag; backspace,
// vertical tab and the C1 controls move the cursor too; the bidirectional overrides and
// isolates reorder how the rest of a line reads. Each of them is shown instead as an escape a
// reader recognises (`\x1b`, `\r`, `\u009b`, `\u202e`), so a line reads as the bytes it holds
// and the prefix crew puts before it always stands. crew's own colours are added after this,
// around text already made visible. Tab stays (it only moves right); "\n" stays where a record
// may span lines (a stack trace: each line gets the prefix) and is escaped where it may not.
//
// The set matches what ./byte-scan.ts flags for pretty, so a line the scan finds clean needs no
// call here.

// C0 but tab and "\n", DEL, C1, and U+202A–U+202E, U+2066–U+2069.
/* eslint-disable no-control-regex -- control characters are what these patterns are about */
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
// The same and "\n" and tab: for text that must stay on one line (a key).
const UNSAFE_INLINE = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_INLINE_ALL = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

const NAMED: Record<string, string> = { '\r': '\\r', '\n': '\\n', '\t': '\\t' };

function escapeChar(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.charCodeAt(0);
  return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every character a terminal would act on shown as an escape; "\n" and tab kept. */
export function visible(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeChar) : text;
}

/** The same, for text that must stay on one line: "\n" and tab are escaped too. */
export function visibleInline(text: string): string {
  return UNSAFE_INLINE.test(text) ? text.replace(UNSAFE_INLINE_ALL, escapeChar) : text;
}
