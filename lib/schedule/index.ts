// Schedules as data: merging the app's with config's, checking them, and computing fire times.
// Pure, so the primary, the scheduler and the CLI share it.
export { describeAction, actionFields } from './describe.js';
export { formatInZone } from './format-time.js';
export { cronClock, machineTimezone, nextFireTimes, type CronClock } from './fire-times.js';
export { formatListing, listSchedules, type ListedSchedule } from './listing.js';
export { mergeSchedules, type MergedSchedule } from './merge.js';
export type { ActionKind, ResolvedSchedule, ScheduleAction, ScheduleSource } from './types.js';
export { resolveSchedules, type Blame } from './validate.js';
