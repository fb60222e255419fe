// Shutdown in two phases under one clock, as Sidekiq's quiet and stop:
// 1. the server stops taking new work first: its children keep serving (with /_health at 503)
//    until `server.drainDelay` has passed, then stop accepting and say `quiet`;
// 2. as soon as they have, every other component is told to stop at once — workers take no new
//    job, the scheduler fires no new tick — and no component waits for another's in-flight work.
// Every component finishes by `begun + its grace`: the deadlines are computed once, here, and
// handed down in each child's `stop`. A child with nothing left exits at once; one still running
// at its deadline is killed (./child.ts). Phase 2 does not wait for a server child that cannot
// say `quiet` (a stuck event loop) longer than a moment past the drain delay.
import { settlesWithin } from '../util/with-timeout.js';
import type { ChildSlot } from './child-slot.js';

/** Stopped first: the way new work comes in. */
const FRONT_DOOR = 'server';
/** How long past the drain delay the rest waits for the server to say it stopped accepting. */
const QUIET_WAIT_MS = 1000;

export interface ShutdownGroup {
  component: string;
  grace: number;
  slots: ChildSlot[];
}

export interface ShutdownPlan {
  begun: number;
  drainDelay: number;
  /** Said once phase 1 is over, with how it ended. */
  onQuiet?(how: 'quiet' | 'timed out'): void;
}

/** Stops every slot; resolves once every child of every slot has exited. */
export async function shutDown(groups: ShutdownGroup[], plan: ShutdownPlan): Promise<void> {
  const { begun, drainDelay } = plan;
  const front = groups.filter((g) => g.component === FRONT_DOOR);
  const rest = groups.filter((g) => g.component !== FRONT_DOOR);
  const stopped: Array<Promise<void>> = [];

  if (front.length > 0) {
    const quietAt = begun + drainDelay;
    for (const group of front) for (const slot of group.slots) stopped.push(slot.stop(begun + group.grace, quietAt));
    const bound = Math.min(quietAt + QUIET_WAIT_MS, ...front.map((g) => begun + g.grace));
    const quiet = await settlesWithin(Promise.all(front.flatMap((g) => g.slots.map((slot) => slot.quieted()))), bound - Date.now());
    plan.onQuiet?.(quiet ? 'quiet' : 'timed out');
  }
  const now = Date.now();
  for (const group of rest) for (const slot of group.slots) stopped.push(slot.stop(begun + group.grace, now));
  await Promise.all(stopped);
}
