// The shape of a schedule once the app's and the config's declarations are merged and checked:
// what the scheduler arms, `crew scheduler list` prints and `crew scheduler run` runs.
import type { ScheduleDefinition } from '../app/types.js';

/** The one thing a schedule does at each tick. */
export type ScheduleAction =
  | { kind: 'function'; run: NonNullable<ScheduleDefinition['run']> }
  | { kind: 'job'; job: string; data: unknown }
  | { kind: 'command'; command: string };

export type ActionKind = ScheduleAction['kind'];

/** Where a schedule was declared: by the app, by config, or by the app and changed by config. */
export type ScheduleSource = 'app' | 'config' | 'app+config';

export interface ResolvedSchedule {
  name: string;
  /** The expression as written: 5 fields, or 6 with seconds first. */
  cron: string;
  /** The IANA timezone as written; undefined means the machine's. */
  timezone: string | undefined;
  action: ScheduleAction;
  /** How long one run may take, in ms; undefined means no limit. */
  timeout: number | undefined;
  overlap: 'skip' | 'allow';
  source: ScheduleSource;
}
