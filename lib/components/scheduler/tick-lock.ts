// Who fires a tick, and whether a schedule is already running: the two questions the scheduler
// asks before a run. With one crew (the embedded queue) the answers are local: every tick is
// ours, and a run is going when this process has one going. With Redis (./redis-tick-lock.ts)
// they hold for every crew sharing it.

export type TickClaim = { won: true } | { won: false; holder: string | undefined };

export type RunSlot = { taken: true; release(): Promise<void> } | { taken: false; holder: string | undefined };

export interface TickLock {
  /** Where the answers hold: `this crew`, or the Redis URL (password masked). */
  readonly scope: string;
  /** Whether this crew fires tick `tick` (epoch ms) of schedule `name`: true for one crew only. */
  claimTick(name: string, tick: number, ttl: number): Promise<TickClaim>;
  /** For `overlap: skip`: the schedule's one running slot, held until released. */
  takeRunSlot(name: string): Promise<RunSlot>;
  close(): Promise<void>;
}

export function localTickLock(): TickLock {
  const running = new Set<string>();
  return {
    scope: 'this crew',
    claimTick: async () => ({ won: true }),
    takeRunSlot: async (name) => {
      if (running.has(name)) return { taken: false, holder: undefined };
      running.add(name);
      return {
        taken: true,
        release: async () => {
          running.delete(name);
        },
      };
    },
    close: async () => undefined,
  };
}
