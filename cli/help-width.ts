// How wide a string is on a terminal, for yargs' help layout. yargs renders a command's whole
// help text after every run of its handler (to have it at hand should the handler fail), and
// its string-width segments each string into graphemes and matches it against emoji patterns,
// whose compilation alone costs every `crew start` ~15 ms and the layout ~30 ms more. The
// bundle (esbuild.config.mjs) routes yargs' string-width here: printable ASCII, which is nearly
// all of crew's help, is as wide as it is long; other text counts a column per code point,
// exact for the punctuation and symbols the help uses, short for wide CJK and emoji, which it
// does not use.

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// eslint-disable-next-line no-control-regex -- ESC is what an ANSI colour sequence starts with
const ANSI_SGR = /\x1b\[[\d;]*m/g;

export default function helpWidth(text: string): number {
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let columns = 0;
  for (const char of text.replace(ANSI_SGR, '')) if (char >= ' ') columns += 1;
  return columns;
}
