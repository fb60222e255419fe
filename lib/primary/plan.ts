// Decides, purely, which components to run and how many instances of each, from the command
// line, the config and what the app defines. Asking for a component the app cannot provide is
// a usage error here, before anything is forked.
import type { AppDefinition } from '../app/types.js';
import type { CrewConfig } from '../config/types.js';
import { instanceLimit } from '../config/fields.js';
import { UsageError } from '../util/usage-error.js';

export interface Selection {
  server?: number | 'max' | true;
  worker?: number | true;
  scheduler?: boolean;
  components?: Array<{ name: string; instances?: number }>;
  all?: boolean;
  queues?: string[];
}

export interface PlannedComponent {
  component: string;
  instances: number;
}

export interface Plan {
  components: PlannedComponent[];
  /** Components `--all` left out because the app does not define them, for one record each. */
  skipped: Array<{ component: string; why: string }>;
}

export function planComponents(selection: Selection, config: CrewConfig, app: AppDefinition, cpus: number): Plan {
  const jobs = Object.keys(app.jobs ?? {});
  const schedules = [...Object.keys(app.schedules ?? {}), ...Object.keys(config.schedules)];
  const custom = Object.keys(app.components ?? {});
  const count = (value: number | 'max' | true | undefined, fallback: number | 'max'): number => {
    const chosen = value === undefined || value === true ? fallback : value;
    return chosen === 'max' ? cpus : chosen;
  };
  const planned = new Map<string, number>();
  const skipped: Plan['skipped'] = [];

  const explicit = selection.server !== undefined || selection.worker !== undefined || selection.scheduler || (selection.components?.length ?? 0) > 0;
  if (selection.all) {
    planned.set('server', count(selection.server, config.server.instances));
    if (jobs.length > 0) planned.set('worker', count(selection.worker, config.worker.instances));
    else skipped.push({ component: 'worker', why: 'the app defines no jobs' });
    if (schedules.length > 0) planned.set('scheduler', 1);
    else skipped.push({ component: 'scheduler', why: 'neither the app nor the config defines schedules' });
    for (const name of custom) planned.set(name, componentInstances(name, config));
  }
  const wanted: Array<{ name: string; instances?: number | 'max' | true; flag: string }> = [];
  if (selection.server !== undefined) wanted.push({ name: 'server', instances: selection.server, flag: '--server' });
  if (selection.worker !== undefined) wanted.push({ name: 'worker', instances: selection.worker, flag: '--worker' });
  if (selection.scheduler) wanted.push({ name: 'scheduler', flag: '--scheduler' });
  for (const { name, instances } of selection.components ?? []) wanted.push({ name, instances, flag: `--component ${name}` });
  if (!explicit && !selection.all) {
    for (const name of config.start.components) wanted.push({ name, flag: `start.components in config (${name})` });
  }

  for (const { name, instances, flag } of wanted) {
    if (name === 'server') planned.set('server', count(instances, config.server.instances));
    else if (name === 'worker') {
      if (jobs.length === 0) throw new UsageError(`${flag}: the app defines no jobs, so there is nothing for a worker to run; add \`jobs\` to the app or drop ${flag}`);
      planned.set('worker', count(instances, config.worker.instances));
    } else if (name === 'scheduler') {
      if (schedules.length === 0) throw new UsageError(`${flag}: neither the app nor the config defines schedules; add \`schedules\` or drop ${flag}`);
      planned.set('scheduler', 1);
    } else {
      if (!custom.includes(name)) {
        const known = custom.length > 0 ? `it defines: ${custom.join(', ')}` : 'it defines none';
        throw new UsageError(`${flag}: the app defines no component "${name}" (${known})`);
      }
      planned.set(name, instances === undefined || instances === true || instances === 'max' ? componentInstances(name, config) : instances);
    }
  }

  for (const queue of selection.queues ?? []) {
    if (!jobs.includes(queue)) throw new UsageError(`--queues: the app defines no job "${queue}" (it defines: ${jobs.join(', ') || 'none'})`);
  }
  const limit = instanceLimit(cpus);
  for (const [component, instances] of planned) {
    if (!Number.isInteger(instances) || instances < 1) throw new UsageError(`${component}: instances must be a whole number of at least 1, found ${instances}`);
    if (instances > limit.max) throw new UsageError(`${component}: ${instances} instances is more than crew runs on this machine: at most ${limit.why}`);
  }
  return { components: [...planned].map(([component, instances]) => ({ component, instances })), skipped };
}

/**
 * The built-in component the plan will put first, guessed from the flags alone, before config
 * and app are read: the child forked ahead (./fork-child.ts) loads it while the primary reads
 * them. planComponents puts the server first whenever it runs, and the config's default
 * `start.components` is the server; a wrong guess costs only memory. Pure, so its agreement
 * with planComponents is a unit spec.
 */
export function likelyFirstComponent(selection: Selection): string | undefined {
  const explicit = selection.server !== undefined || selection.worker !== undefined || selection.scheduler === true || (selection.components?.length ?? 0) > 0;
  if (selection.server !== undefined || selection.all === true || !explicit) return 'server';
  if (selection.worker !== undefined) return 'worker';
  return selection.scheduler === true ? 'scheduler' : undefined;
}

function componentInstances(name: string, config: CrewConfig): number {
  return config.components[name]?.instances ?? 1;
}
