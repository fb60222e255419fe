// When a schedule fires, computed with cron's CronTime (the expression parser and calendar
// arithmetic, DST included) and nothing else of that package: the scheduler keeps its own
// timers so that it knows which tick it is firing (the fleet-wide lock is per tick), how late
// it is, and what it skipped.
//
// cron gives up when it finds no matching date within 8 years of now; an expression that never
// fires (February 31st) is therefore reported as having no fire time, and a rare one (February
// 29th) has fewer than three fire times listed when the later ones are too far away.
import { createRequire } from 'node:module';
import type { CronTime as CronTimeClass } from 'cron';

// cron (and luxon behind it) is loaded on first use: a crew without schedules, and every server
// child, starts without it. It is a CommonJS package, so require keeps cronClock synchronous.
const require = createRequire(import.meta.url);
let loaded: typeof CronTimeClass | undefined;
const CronTimeOf = (): typeof CronTimeClass => (loaded ??= (require('cron') as typeof import('cron')).CronTime);

export interface CronClock {
  readonly cron: string;
  /** The IANA zone the expression is read in; undefined means the machine's. */
  readonly timezone: string | undefined;
  /** The first fire time strictly after `afterMs` (epoch ms), or undefined when cron finds none. */
  next(afterMs: number): number | undefined;
}

/** Parses the expression; throws cron's CronError for a bad expression or an unknown timezone. */
export function cronClock(cron: string, timezone: string | undefined): CronClock {
  const CronTime = CronTimeOf();
  const time = timezone === undefined ? new CronTime(cron) : new CronTime(cron, timezone);
  return {
    cron,
    timezone,
    next(afterMs) {
      try {
        // Without the zone argument cron reads the start in the machine's zone, whatever the
        // CronTime was built with.
        return time.getNextDateFrom(new Date(afterMs), timezone).toMillis();
      } catch (error) {
        if (isNoDateFound(error)) return undefined;
        throw error;
      }
    },
  };
}

/** Up to `count` fire times after `afterMs`, fewer when cron finds no more. */
export function nextFireTimes(clock: CronClock, afterMs: number, count: number): number[] {
  const times: number[] = [];
  let from = afterMs;
  while (times.length < count) {
    const next = clock.next(from);
    if (next === undefined) break;
    times.push(next);
    from = next;
  }
  return times;
}

/** The zone a schedule without `timezone` runs in: the machine's. */
export function machineTimezone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function isNoDateFound(error: unknown): boolean {
  return error instanceof Error && error.message.includes('No execution date was found');
}
