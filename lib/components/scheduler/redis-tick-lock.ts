// The fleet-wide TickLock: every crew sharing a Redis fires each tick of a schedule once
// between them. crew's own connection (node-redis), not the job queue's: the lock works
// whatever the queue does.
//
// - A tick is claimed with `SET <prefix>:scheduler:<name>:tick:<epoch ms> <holder> NX PX ttl`:
//   the first crew to ask fires it, the others record that they skipped it. The key lives
//   past the schedule's following tick (see tickTtl), so a crew whose clock or timer runs a
//   little behind finds it still there.
// - With `overlap: skip`, a run also holds `<prefix>:scheduler:<name>:running` (SET NX with a
//   TTL of RUN_TTL_MS, renewed while the run goes on, deleted by its holder only), so a run
//   still going on another host makes this host skip too. A host that dies mid-run frees the
//   slot when the TTL runs out.
// - When Redis cannot be reached, a tick is skipped and recorded, not fired unguarded: one
//   missed tick is better than every host firing it. Commands fail fast (no offline queue),
//   and a slow reply counts as a failure (./lock-connection.ts); a claim whose reply comes
//   later still holds the key, so that tick is then fired by no one.
// - Redis refusing crew's credentials as the scheduler starts is a fatal start error (no
//   restart mends a wrong password); later, it is one more reason a tick is skipped, and the
//   connection retries until they are accepted again.
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'winston';
import { openLockConnection } from './lock-connection.js';
import type { RunSlot, TickClaim, TickLock } from './tick-lock.js';

export const RUN_TTL_MS = 30_000;

const RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export interface RedisTickLockOptions {
  url: string;
  prefix: string;
  logger: Logger;
}

/** How long a tick's key lives: until a minute after the schedule's following tick. */
export function tickTtl(tick: number, following: number | undefined): number {
  const gap = following === undefined ? 0 : Math.max(0, following - tick);
  return gap + 60_000;
}

export async function redisTickLock(options: RedisTickLockOptions): Promise<TickLock> {
  const connection = await openLockConnection(options.url, options.logger);
  const { shown, command } = connection;
  const holder = `${os.hostname()}:${process.pid}`;
  const key = (name: string, rest: string) => `${options.prefix}:scheduler:${name}:${rest}`;

  const claimTick = async (name: string, tick: number, ttl: number): Promise<TickClaim> => {
    const tickKey = key(name, `tick:${tick}`);
    const reply = await command('the tick claim', (client) => client.set(tickKey, holder, { condition: 'NX', expiration: { type: 'PX', value: ttl } }));
    if (reply === 'OK') return { won: true };
    return { won: false, holder: await whoHolds(tickKey) };
  };

  const takeRunSlot = async (name: string): Promise<RunSlot> => {
    const slotKey = key(name, 'running');
    const token = `${holder}:${randomUUID()}`;
    const reply = await command('the running-slot claim', (client) => client.set(slotKey, token, { condition: 'NX', expiration: { type: 'PX', value: RUN_TTL_MS } }));
    if (reply !== 'OK') return { taken: false, holder: (await whoHolds(slotKey))?.replace(/:[0-9a-f-]{36}$/, '') };
    const renew = setInterval(() => {
      command('the running-slot renewal', (client) => client.eval(RENEW, { keys: [slotKey], arguments: [token, String(RUN_TTL_MS)] })).then(
        (renewed) => {
          if (renewed !== 1) options.logger.warn(`${name}: the running slot expired while the run goes on; another crew may start this schedule meanwhile`, { schedule: name });
        },
        (error: Error) => options.logger.warn(`${name}: could not renew the running slot: ${error.message}`, { schedule: name }),
      );
    }, RUN_TTL_MS / 3);
    renew.unref();
    return {
      taken: true,
      release: async () => {
        clearInterval(renew);
        try {
          await command('the running-slot release', (client) => client.eval(RELEASE, { keys: [slotKey], arguments: [token] }));
        } catch (error) {
          // The slot then expires by itself within RUN_TTL_MS; until then the schedule is skipped.
          options.logger.warn(`${name}: could not release the running slot (it expires within ${RUN_TTL_MS / 1000} s): ${(error as Error).message}`, { schedule: name });
        }
      },
    };
  };

  const whoHolds = async (name: string): Promise<string | undefined> => {
    try {
      return (await command('who holds the lock', (client) => client.get(name))) ?? undefined;
    } catch (error) {
      options.logger.debug(`could not read who holds ${name}: ${(error as Error).message}`);
      return undefined;
    }
  };

  return {
    scope: shown,
    claimTick,
    takeRunSlot,
    close: () => connection.close(),
  };
}
