// Merges the app's schedules with config's `schedules:`, so an operator can add a schedule or
// change one without touching code. The rule, per schedule name:
//
// - A name only the app declares, or only config declares, is taken as it is.
// - A name both declare starts from the app's declaration, and config wins key by key for
//   `cron`, `timezone`, `timeout` and `overlap`.
// - The action is replaced as a whole: when config names a `job` or a `command`, the app's
//   action (`run`, `job`, `data`, `command`) is dropped first, so the result never holds two
//   actions by accident. Config's `data` on its own changes the data of the app's job.
//
// Every merged key remembers where it came from, so a mistake is blamed on the config file or
// on the app module that made it.
import type { ScheduleDefinition } from '../app/types.js';
import type { ScheduleConfig } from '../config/types.js';
import type { ScheduleSource } from './types.js';

export type ScheduleKey = 'cron' | 'timezone' | 'run' | 'job' | 'data' | 'command' | 'timeout' | 'overlap';
export const SCHEDULE_KEYS: readonly ScheduleKey[] = ['cron', 'timezone', 'run', 'job', 'data', 'command', 'timeout', 'overlap'];
const ACTION_KEYS: readonly ScheduleKey[] = ['run', 'job', 'data', 'command'];

export interface MergedValue {
  value: unknown;
  from: 'app' | 'config';
}

export interface MergedSchedule {
  name: string;
  source: ScheduleSource;
  /** The app's declaration was not a mapping at all; nothing else of it is usable. */
  malformed?: string;
  /** Keys of the app's declaration crew does not know (config's own are refused by its schema). */
  unknown: string[];
  keys: Partial<Record<ScheduleKey, MergedValue>>;
}

export function mergeSchedules(
  app: Readonly<Record<string, ScheduleDefinition>> | undefined,
  config: Readonly<Record<string, ScheduleConfig>>,
): MergedSchedule[] {
  const merged = new Map<string, MergedSchedule>();
  for (const [name, definition] of Object.entries(app ?? {})) {
    const entry: MergedSchedule = { name, source: 'app', keys: {}, unknown: [] };
    if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
      entry.malformed = Array.isArray(definition) ? 'a list' : typeof definition;
    } else {
      const fields = definition as unknown as Record<string, unknown>;
      for (const key of SCHEDULE_KEYS) if (fields[key] !== undefined) entry.keys[key] = { value: fields[key], from: 'app' };
      entry.unknown = Object.keys(fields).filter((key) => !(SCHEDULE_KEYS as readonly string[]).includes(key));
    }
    merged.set(name, entry);
  }
  for (const [name, declared] of Object.entries(config)) {
    const entry = merged.get(name);
    const fields = declared as unknown as Record<string, unknown>;
    if (!entry) {
      const keys: MergedSchedule['keys'] = {};
      for (const key of SCHEDULE_KEYS) if (fields[key] !== undefined) keys[key] = { value: fields[key], from: 'config' };
      merged.set(name, { name, source: 'config', keys, unknown: [] });
      continue;
    }
    entry.source = 'app+config';
    if (fields.job !== undefined || fields.command !== undefined) {
      for (const key of ACTION_KEYS) delete entry.keys[key];
    }
    for (const key of SCHEDULE_KEYS) if (fields[key] !== undefined) entry.keys[key] = { value: fields[key], from: 'config' };
  }
  return [...merged.values()];
}
