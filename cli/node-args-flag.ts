// The command line's side of Node options for the children. `--node-args --inspect` must read
// `--inspect` as the flag's value: yargs takes a word that starts with a dash for a flag of its
// own, and would say the value is missing. And a Node option given to crew itself
// (`crew start --inspect`) gets an answer that shows where it goes.

const FLAG = '--node-args';

/** `--node-args VALUE` as `--node-args=VALUE`, whatever VALUE starts with; the rest untouched. */
export function attachNodeArgsValues(args: readonly string[]): string[] {
  const out: string[] = [];
  const end = args.indexOf('--');
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === FLAG && (end === -1 || i < end) && i + 1 < args.length && (end === -1 || i + 1 < end)) {
      out.push(`${FLAG}=${args[i + 1]!}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** Node's own options among yargs' unknown arguments. */
const NODE_ONLY = new Set(['inspect', 'inspect-brk', 'inspect-wait', 'inspect-port', 'cpu-prof', 'cpu-prof-dir', 'heap-prof', 'prof', 'expose-gc', 'stack-size']);

/** For yargs' "Unknown argument(s): a, b": how to pass the Node options among them, or ''. */
export function nodeOptionHint(message: string): string {
  const listed = /^Unknown arguments?: (.*)$/.exec(message)?.[1];
  if (!listed) return '';
  const names = listed.split(', ').filter((name) => NODE_ONLY.has(name) || process.allowedNodeEnvironmentFlags.has(`--${name}`));
  if (names.length === 0) return '';
  const example = names.map((name) => (name === 'max-old-space-size' ? `--${name}=512` : `--${name}`)).join(' ');
  return `\n${names.map((name) => `--${name}`).join(', ')} ${names.length === 1 ? 'is an option' : 'are options'} of Node: give ${names.length === 1 ? 'it' : 'them'} to the children with --node-args="${example}" (or config nodeArgs)`;
}
