// How wide a string is on a terminal, for yargs' help layout. yargs renders a command's whole
// help text after every run of its handler (to have it at hand should the handler fail), and
// string-width segments each string into graphemes and matches it against emoji patterns:
// some 40 ms of every `crew start`. The bundle (esbuild.config.mjs) routes yargs' string-width
// here: printable ASCII, which is all of crew's help, is as wide as it is long; any other text
// is measured by string-width itself.
import stringWidth from 'string-width';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export default function helpWidth(text: string, options?: Parameters<typeof stringWidth>[1]): number {
  return PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text, options);
}
