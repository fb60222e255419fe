// The `scheduler.*` control verbs of a running crew, on the schedules it really runs (its app
// and config as they were when it started) and where their state lives: `scheduler.list`
// (every schedule with its next fire times, pause and last run), `scheduler.pause` and
// `scheduler.resume`. A name the crew has no schedule of is refused, with the closest name.
import { defineVerb, VerbArgumentError, type VerbTable } from '../control/verbs.js';
import { didYouMean } from '../config/did-you-mean.js';
import { listSchedules, type ListedSchedule } from './listing.js';
import type { PauseResult, ScheduleKeeper } from './state.js';
import type { ResolvedSchedule } from './types.js';

export interface SchedulerListing {
  schedules: ListedSchedule[];
  /** Where pauses hold: `this crew`, or the Redis URL (password masked). */
  scope: string;
  /** Whether this crew runs a scheduler (with Redis, another crew may fire the ticks). */
  scheduler: boolean;
}

/** Reads `{ name }`, a schedule `names` holds; the refusal names the closest. */
export function scheduleName(verb: string, args: unknown, names: readonly string[]): string {
  const name = (args as { name?: unknown } | null | undefined)?.name;
  if (typeof args !== 'object' || args === null || typeof name !== 'string' || name === '') throw new VerbArgumentError(`${verb} takes { name }: a schedule's name`);
  if (names.includes(name)) return name;
  const suggestion = didYouMean(name, names);
  const known = names.length === 0 ? 'the app and config define none' : suggestion ? `did you mean "${suggestion}"?` : `known: ${names.join(', ')}`;
  throw new VerbArgumentError(`no schedule ${JSON.stringify(name.slice(0, 60))} (${known})`);
}

export function scheduleVerbs(schedules: readonly ResolvedSchedule[], keeper: () => ScheduleKeeper, runsScheduler: boolean): VerbTable {
  const names = schedules.map((s) => s.name);
  return {
    'scheduler.list': defineVerb({
      describe: 'every schedule with its next fire times, whether it is paused, and its last run -> { schedules, scope, scheduler }',
      parse: () => undefined,
      async run(): Promise<SchedulerListing> {
        const store = keeper();
        const states = await store.states(names);
        return { schedules: listSchedules(schedules, Date.now(), 3, states), scope: store.scope, scheduler: runsScheduler };
      },
    }),
    'scheduler.pause': defineVerb({
      describe: 'a paused schedule fires no tick until resumed: { name } -> { name, changed, pausedSince, scope }',
      parse: (args) => scheduleName('scheduler.pause', args, names),
      run: (name): Promise<PauseResult> => keeper().pause(name),
    }),
    'scheduler.resume': defineVerb({
      describe: 'a paused schedule fires again from its next tick: { name } -> { name, changed, pausedSince, scope }',
      parse: (args) => scheduleName('scheduler.resume', args, names),
      run: (name): Promise<PauseResult> => keeper().resume(name),
    }),
  };
}
