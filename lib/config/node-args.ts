// Node's own flags for the children (`nodeArgs`): `--max-old-space-size=512`, `--inspect`,
// `--cpu-prof`, the ones NODE_OPTIONS refuses. Each child runs with the flags of every
// component (`nodeArgs:`) followed by its own component's (`server.nodeArgs`, …,
// `components.<name>.nodeArgs`), so where both set one flag the component's wins (Node takes
// the last). This file promises the shape of each flag, the same for config and `--node-args`:
// - each item is one option, `--name` or `--name=value`: a bare word would be taken by Node
//   for the script to run instead of crew's child, so a value goes after `=`;
// - options that change what Node runs (`--eval`, `--test`, `--watch`, …) are refused: the
//   child runs crew's entry, nothing else;
// - an inspector flag's `[host:]port` is a port crew can count from (0, or 1024 to 65535, as Node
//   takes it): each child gets its own port from there (lib/primary/inspector-ports.ts).
// Whether Node knows the option and its value is for Node to say: lib/primary/check-node-args.ts
// asks it before anything is forked.
import { field, type Field } from './fields.js';
import type { CrewConfig } from './types.js';

/** Options that make Node run something else than the child's entry, or nothing at all. */
const REFUSED = new Set([
  '--eval',
  '--print',
  '--check',
  '--interactive',
  '--test',
  '--run',
  '--version',
  '--help',
  '--v8-options',
  '--watch',
  '--watch-path',
  '--watch-preserve-output',
  '--prof-process',
  '--completion-bash',
]);
const INSPECT = new Set(['--inspect', '--inspect-brk', '--inspect-wait']);
const INSPECT_PORT = new Set(['--inspect-port', '--debug-port']);
const OPTION = /^--[A-Za-z0-9][\w-]*(?:=[^]*)?$/;
/** Longer than any option Node has; an argument past 128 KiB would make fork fail (E2BIG). */
const MAX_LENGTH = 4096;
/** Far more options than anyone gives Node; a list longer is a mistake (a file pasted in). */
export const MAX_NODE_ARGS = 64;
export const DEFAULT_INSPECTOR = { host: '127.0.0.1', port: 9229 };

/** What is wrong with one Node option as crew takes it, or undefined when nothing is. */
export function nodeArgProblem(arg: string): string | undefined {
  const shown = JSON.stringify(arg.length > 60 ? `${arg.slice(0, 60)}…` : arg);
  if (arg.length > MAX_LENGTH) return `${shown} is longer than any Node option (${arg.length} characters)`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(arg)) return `${shown} holds a control character`;
  if (arg === '--' || arg === '-') return `${shown} is not an option: crew runs its own entry in each child`;
  if (/^-[^-]/.test(arg)) return `${shown}: write Node's options in their long form (--require=./setup.js, not -r ./setup.js)`;
  if (!OPTION.test(arg)) return `${shown} is not an option: write each as --name or --name=value (a value goes after "=": --require=./setup.js)`;
  const [name, value] = splitOption(arg);
  if (REFUSED.has(name)) return `${name} changes what Node runs: a child runs crew's entry, nothing else; ${insteadOf(name)}`;
  if ((INSPECT.has(name) && value !== undefined) || INSPECT_PORT.has(name)) {
    if (value === undefined || hostPort(value) === undefined) return `${shown}: expected ${name}=PORT or ${name}=HOST:PORT with PORT 0 (any free port) or from 1024 to 65535`;
  }
  return undefined;
}

/** What to write instead of a refused option. */
function insteadOf(name: string): string {
  if (name.startsWith('--watch')) return 'for reloads on change, run crew start --watch';
  if (name === '--test' || name === '--run') return 'run tests and scripts with node or npm, not under crew';
  if (name === '--version' || name === '--help' || name === '--v8-options' || name === '--completion-bash') return `run node ${name} on its own`;
  return 'to run code in each child before the app, use --import=./setup.js (or --require=./setup.cjs)';
}

/** `--name=value` as [name, value]; `--name` as [name, undefined]. */
export function splitOption(arg: string): [string, string | undefined] {
  const eq = arg.indexOf('=');
  return eq === -1 ? [arg, undefined] : [arg.slice(0, eq), arg.slice(eq + 1)];
}

/** `9229`, `0.0.0.0:9229`, `[::1]:9229`, or a host alone, as Node reads an inspector's address. */
function hostPort(value: string): { host?: string; port?: number } | undefined {
  const found = /^(?:(\[[^\]\s]+\]|[^:[\]\s]+):)?(\d{1,5})$/.exec(value) ?? /^(\[[^\]\s]+\]|[^:[\]\s]+)()$/.exec(value);
  if (!found) return undefined;
  const [, host, port] = found;
  if (port === '') return { host: host! };
  const number = Number(port);
  // Node refuses the ports below 1024 for its inspector, and 0 lets it pick one.
  if (number > 65535 || (number !== 0 && number < 1024)) return undefined;
  return host === undefined ? { port: Number(port) } : { host, port: Number(port) };
}

/** A list, or one string of options separated by spaces (what `${NODE_ARGS:-}` gives). */
export function readNodeArgs(value: unknown): string[] | undefined {
  if (typeof value === 'string') return value.split(/\s+/).filter((arg) => arg !== '');
  if (Array.isArray(value) && value.every((arg): arg is string => typeof arg === 'string')) return [...value];
  return undefined;
}

const FORMS = 'Node options, each --name or --name=value (a YAML list, or one string separated by spaces)';

/** What is wrong with a list of Node options, naming the first one wrong; undefined when nothing is. */
export function nodeArgsProblem(args: readonly string[]): string | undefined {
  if (args.length > MAX_NODE_ARGS) return `${args.length} options, more than the ${MAX_NODE_ARGS} crew takes`;
  return args.map(nodeArgProblem).find((p) => p !== undefined);
}

/** The config field: a list of Node options, each checked; the error names the first one wrong. */
export function nodeArgsField(): Field<string[]> {
  return field(
    (value) => {
      const args = readNodeArgs(value);
      const problem = args && nodeArgsProblem(args);
      return problem ? `${FORMS}: ${problem}` : FORMS;
    },
    (value) => {
      const args = readNodeArgs(value);
      return args && nodeArgsProblem(args) === undefined ? args : undefined;
    },
  );
}

/** A component's own `nodeArgs`: built-in names from their section, any other from components. */
export function componentNodeArgs(config: CrewConfig, component: string): string[] {
  switch (component) {
    case 'server':
      return config.server.nodeArgs ?? [];
    case 'worker':
      return config.worker.nodeArgs ?? [];
    case 'scheduler':
      return config.scheduler.nodeArgs ?? [];
    default:
      return (Object.hasOwn(config.components, component) ? config.components[component]?.nodeArgs : undefined) ?? [];
  }
}

/** The Node options a child of `component` runs with: every component's, then its own. */
export function nodeArgsFor(config: CrewConfig, component: string): string[] {
  return [...(config.nodeArgs ?? []), ...componentNodeArgs(config, component)];
}

export interface Inspector {
  /** The flag asked for: `--inspect-brk` also stops at the first line until a debugger attaches. */
  flag: string;
  host: string;
  /** Where children's ports start; 0 lets Node pick a free one for each. */
  port: number;
}

/** The inspector `args` ask for (the last flag wins, as in Node), or undefined. Args are valid (nodeArgProblem). */
export function inspectorOf(args: readonly string[]): Inspector | undefined {
  let inspector: Inspector | undefined;
  let host: string | undefined;
  let port: number | undefined;
  for (const arg of args) {
    const [name, value] = splitOption(arg);
    if (!INSPECT.has(name) && !INSPECT_PORT.has(name)) continue;
    const address = value === undefined ? {} : (hostPort(value) ?? {});
    if (address.host !== undefined) host = address.host;
    if (address.port !== undefined) port = address.port;
    if (INSPECT.has(name)) inspector = { flag: name, host: DEFAULT_INSPECTOR.host, port: DEFAULT_INSPECTOR.port };
  }
  return inspector && { flag: inspector.flag, host: host ?? DEFAULT_INSPECTOR.host, port: port ?? DEFAULT_INSPECTOR.port };
}
