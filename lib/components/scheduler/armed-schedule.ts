// One schedule, armed: a timer to its next fire time, and what happens at each tick. It
// promises:
//
// - Ticks fire in order and each at most once per crew: the next tick is always computed
//   after the one just fired, so an early timer or a clock set back cannot repeat a tick.
// - A late wake fires the latest due tick only; the ones it passed are recorded as missed,
//   not run in a burst.
// - Before a run, the tick is claimed (./tick-lock.ts: once across the fleet with Redis); the
//   crew that won it asks whether an operator paused the schedule (lib/schedule/state.ts), and,
//   with `overlap: skip`, takes the schedule's running slot. A tick lost to any of these is
//   recorded as skipped (a pause as its own outcome, `paused`); when it cannot be known whether
//   the schedule is paused, the tick is skipped, not fired.
// - Each run is reported where `crew scheduler list` reads it: when it starts, and how it ended.
// - A run's failure is recorded and never reaches the timer: the next tick comes regardless.
// - drain(deadline) stops ticking, lets runs finish until shortly before the deadline, then
//   stops them (SIGTERM to a command, the abort signal to a function) and finally kills what
//   is left, so that no command outlives the scheduler.
import os from 'node:os';
import type { CrewContext } from '../../app/types.js';
import type { LastRun, ScheduleGate } from '../../schedule/state.js';
import { cronClock, type CronClock } from '../../schedule/fire-times.js';
import type { ResolvedSchedule } from '../../schedule/types.js';
import { startRun, type RunResult, type StartedRun } from './run-action.js';
import { missedRecord, runRecord, skipRecord, type LogRecord } from './run-record.js';
import { tickTtl } from './redis-tick-lock.js';
import type { RunSlot, TickLock } from './tick-lock.js';
import { settlesWithin } from '../../util/with-timeout.js';

/** setTimeout's longest delay; a later tick is reached in several waits. */
const MAX_DELAY_MS = 2 ** 31 - 1;
/** A wake this far past its tick and beyond the following one gives up counting missed ticks. */
const MAX_MISSED_COUNTED = 10_000;
/** Before the stop deadline: when running actions are asked to stop, and when they are killed. */
const STOP_BEFORE_MS = 1500;
const KILL_BEFORE_MS = 300;

export interface ArmedScheduleOptions {
  schedule: ResolvedSchedule;
  ctx: CrewContext;
  lock: TickLock;
  gate: ScheduleGate;
}

const HOST = `${os.hostname()}:${process.pid}`;

export class ArmedSchedule {
  readonly schedule: ResolvedSchedule;
  private readonly ctx: CrewContext;
  private readonly lock: TickLock;
  private readonly gate: ScheduleGate;
  private readonly clock: CronClock;
  private due: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private quieted = false;
  /** Ticks being handled, from the claim to the end of the run. */
  private readonly ticks = new Set<Promise<void>>();
  private readonly runs = new Set<StartedRun>();
  private draining: Promise<void> | undefined;

  constructor(options: ArmedScheduleOptions) {
    this.schedule = options.schedule;
    this.ctx = options.ctx;
    this.lock = options.lock;
    this.gate = options.gate;
    this.clock = cronClock(options.schedule.cron, options.schedule.timezone);
  }

  /** Sets the timer to the first fire time after now; returns it (undefined: it never fires again). */
  arm(now: number = Date.now()): number | undefined {
    this.due = this.clock.next(now);
    this.wait();
    return this.due;
  }

  /** Stops ticking; runs in flight go on. Safe to call twice. */
  quiet(): void {
    this.quieted = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Stops ticking and ends every run by the deadline (epoch ms). Safe to call twice. */
  drain(deadline: number): Promise<void> {
    this.quiet();
    this.draining ??= this.finishRuns(deadline);
    return this.draining;
  }

  private wait(): void {
    if (this.quieted || this.due === undefined) return;
    const delay = Math.min(Math.max(this.due - Date.now(), 0), MAX_DELAY_MS);
    this.timer = setTimeout(() => this.wake(), delay);
  }

  private wake(): void {
    this.timer = undefined;
    const due = this.due;
    if (this.quieted || due === undefined) return;
    const now = Date.now();
    // Timers may wake a millisecond early, and a long wait is cut into pieces.
    if (now < due) return this.wait();
    let tick = due;
    let following = this.clock.next(tick);
    let missed = 0;
    while (following !== undefined && following <= now && missed < MAX_MISSED_COUNTED) {
      missed += 1;
      tick = following;
      following = this.clock.next(tick);
    }
    if (missed >= MAX_MISSED_COUNTED) following = this.clock.next(now);
    if (missed > 0) this.log(missedRecord(this.schedule, missed, due, tick));
    this.due = following;
    this.wait();
    this.fire(tick, following);
  }

  private fire(tick: number, following: number | undefined): void {
    const handling = this.handle(tick, following).catch((error: unknown) => {
      // handle() records every expected failure itself; this is a bug, and must not stop ticking.
      this.ctx.logger.error(`${this.schedule.name}: handling the tick failed: ${(error as Error).stack ?? String(error)}`, { schedule: this.schedule.name });
    });
    this.ticks.add(handling);
    void handling.finally(() => this.ticks.delete(handling));
  }

  private async handle(tick: number, following: number | undefined): Promise<void> {
    const { schedule, lock } = this;
    try {
      const claim = await lock.claimTick(schedule.name, tick, tickTtl(tick, following));
      if (!claim.won) return this.log(skipRecord(schedule, tick, 'taken', claim.holder));
    } catch (error) {
      return this.log(skipRecord(schedule, tick, 'lock-unavailable', (error as Error).message));
    }
    try {
      if (await this.gate.isPaused(schedule.name)) return this.log(skipRecord(schedule, tick, 'paused'));
    } catch (error) {
      return this.log(skipRecord(schedule, tick, 'lock-unavailable', `cannot tell whether it is paused: ${(error as Error).message}`));
    }
    let slot: RunSlot | undefined;
    if (schedule.overlap === 'skip') {
      try {
        slot = await lock.takeRunSlot(schedule.name);
      } catch (error) {
        return this.log(skipRecord(schedule, tick, 'lock-unavailable', (error as Error).message));
      }
      if (!slot.taken) return this.log(skipRecord(schedule, tick, 'overlap', slot.holder));
    }
    try {
      if (this.draining) return this.log(skipRecord(schedule, tick, 'stopping'));
      const run = startRun(schedule, this.ctx, tick);
      this.runs.add(run);
      try {
        this.report(tick, run.startedAt);
        const result = await run.result;
        this.log(runRecord(schedule, result, run.startedAt, tick));
        this.report(tick, run.startedAt, result);
        await run.settled;
      } finally {
        this.runs.delete(run);
      }
    } finally {
      if (slot?.taken) await slot.release();
    }
  }

  private async finishRuns(deadline: number): Promise<void> {
    const settledBy = (at: number) => settlesWithin(Promise.all([...this.ticks]), at - Date.now());
    if (await settledBy(deadline - STOP_BEFORE_MS)) return;
    for (const run of this.runs) run.stop();
    if (await settledBy(deadline - KILL_BEFORE_MS)) return;
    for (const run of this.runs) run.kill();
    // A killed command exits at once; a function that ignores its signal is left to the primary.
    await settledBy(deadline);
  }

  /** Tells the schedules' state a run started, or how it ended; a failure to tell is recorded, never thrown. */
  private report(tick: number, startedAt: number, result?: RunResult): void {
    const run: LastRun = {
      tick: new Date(tick).toISOString(),
      started: new Date(startedAt).toISOString(),
      duration: result ? result.duration : null,
      outcome: result ? result.outcome : 'running',
      host: HOST,
    };
    if (result?.error) run.error = result.error.message.split('\n', 1)[0]!;
    else if (result?.signal) run.error = `killed by ${result.signal}`;
    else if (result?.outcome === 'failed' && typeof result.exitCode === 'number') run.error = `exited ${result.exitCode}`;
    this.gate.recordRun(this.schedule.name, run).catch((error: Error) => {
      this.ctx.logger.warn(`${this.schedule.name}: could not record its last run for \`crew scheduler list\`: ${error.message}`, { schedule: this.schedule.name });
    });
  }

  private log(record: LogRecord): void {
    this.ctx.logger.log(record.level, record.message, record.fields);
  }
}
