// Before anything is forked: the Node options of `--node-args` join those of config, Node is
// asked whether it takes each component's (./check-node-args.ts), and the inspector ports the
// children will need are probed (./inspector-ports.ts). Every mistake is a UsageError (exit 2)
// naming the component, where its options come from, and what Node said.
import fs from 'node:fs';
import path from 'node:path';
import type { AppDefinition } from '../app/types.js';
import type { CrewConfig } from '../config/types.js';
import { UsageError } from '../util/usage-error.js';
import { nodeArgsProblem, splitOption } from '../config/node-args.js';
import { nodeRefuses } from './check-node-args.js';
import { InspectorPorts } from './inspector-ports.js';
import { nodeLaunchFor } from './node-launch.js';
import type { PlannedComponent } from './plan.js';

/** `--node-args`: for every component, and by component name. */
export interface CliNodeArgs {
  all: string[];
  components: Record<string, string[]>;
}

const BUILT_IN = ['server', 'worker', 'scheduler'] as const;

/**
 * Appends the options of `--node-args` after config's, in `config` (Node takes the last of an
 * option given twice: the command line wins). A name no component has is refused.
 */
export function applyCliNodeArgs(config: CrewConfig, app: AppDefinition, cli: CliNodeArgs): void {
  if (cli.all.length > 0) config.nodeArgs = [...config.nodeArgs, ...cli.all];
  const custom = Object.keys(app.components ?? {});
  for (const [name, args] of Object.entries(cli.components)) {
    if (name === 'server' || name === 'worker' || name === 'scheduler') {
      config[name].nodeArgs = [...(config[name].nodeArgs ?? []), ...args];
    } else if (custom.includes(name)) {
      const own = Object.hasOwn(config.components, name) ? config.components[name] : undefined;
      config.components[name] = { instances: 1, ...own, nodeArgs: [...(own?.nodeArgs ?? []), ...args] };
    } else {
      const known = [...BUILT_IN, ...custom].join(', ');
      throw new UsageError(`--node-args ${name}=…: there is no component "${name}" (components: ${known})`);
    }
  }
}

/** Where a component's options come from, for an error. */
function sources(component: string): string {
  const section = (BUILT_IN as readonly string[]).includes(component) ? `${component}.nodeArgs` : `components.${component}.nodeArgs`;
  return `config nodeArgs and ${section}, then --node-args`;
}

/**
 * Checks the Node options of every planned component with Node itself, once per distinct list,
 * and probes the inspector ports their children will take. Returns the port allocator.
 */
export async function prepareNodeArgs(config: CrewConfig, plan: PlannedComponent[], cwd = process.cwd()): Promise<InspectorPorts> {
  const asked = new Map<string, Promise<string | undefined>>();
  const ports = new InspectorPorts();
  const wanted = new Map<string, { host: string; base: number; count: number }>();
  for (const { component, instances } of plan) {
    const launch = nodeLaunchFor(config, component);
    if (launch.nodeArgs.length === 0) continue;
    // Each list is valid on its own; together they may be too many.
    const problem = nodeArgsProblem(launch.nodeArgs);
    if (problem) throw new UsageError(`${component}: its Node options (${sources(component)}): ${problem}`);
    const missing = missingFile(launch.nodeArgs, cwd);
    if (missing) throw new UsageError(`${component}: ${missing} (from ${sources(component)}): a child would fail to start; a path is read from the project folder, ${cwd}`);
    const key = JSON.stringify(launch.nodeArgs);
    if (!asked.has(key)) asked.set(key, nodeRefuses(launch.nodeArgs));
    const refused = await asked.get(key);
    if (refused !== undefined) {
      throw new UsageError(`${component}: Node refuses its options ${launch.nodeArgs.join(' ')} (from ${sources(component)}): ${refused}`);
    }
    if (launch.inspector && launch.inspector.port !== 0) {
      const where = `${launch.inspector.host}:${launch.inspector.port}`;
      const entry = wanted.get(where) ?? { host: launch.inspector.host, base: launch.inspector.port, count: 0 };
      // A server reloads starting its new child next to the old one: one more port for it.
      entry.count += instances + (component === 'server' ? 1 : 0);
      wanted.set(where, entry);
    }
  }
  for (const [where, { host, base, count }] of wanted) {
    if (!(await ports.probe(host, base, count))) {
      throw new UsageError(`inspector: fewer than ${count} free ports from ${where} (other processes hold them): choose another port, e.g. --node-args=--inspect=${host}:${base + 1000}, or --inspect=0 to let Node pick`);
    }
  }
  return ports;
}

/** Modules to preload: a path (not a package name) that is no file. */
const PRELOAD = new Set(['--require', '--import', '--loader', '--experimental-loader']);

/** `--import=./setup.js: no such file`, for the first preload given as a path that does not exist. */
export function missingFile(args: readonly string[], cwd: string): string | undefined {
  for (const arg of args) {
    const [name, value] = splitOption(arg);
    if (!PRELOAD.has(name) || value === undefined || !/^(?:\.{1,2}\/|\/)/.test(value)) continue;
    if (!fs.existsSync(path.resolve(cwd, value))) return `${arg}: no such file`;
  }
  return undefined;
}
