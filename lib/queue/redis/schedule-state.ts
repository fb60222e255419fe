// Schedules' pauses and last runs in Redis, under the queue's prefix, so that every crew
// sharing the Redis sees them and they outlive a restart:
//   <prefix>:scheduler:paused          a hash: schedule name -> {"since": ISO time}
//   <prefix>:scheduler:<name>:lastRun  the last run, as JSON (see lib/schedule/state.ts)
// It runs on a queue connection (./connection.ts): the scheduler's own, the
// running primary's, or a command's. A reply that is not what crew wrote is read as unknown,
// never trusted; a pause whose record is unreadable still pauses. The operator's requests wait
// for a connection just opened; the scheduler's questions fail at once when Redis is away (the
// tick is then skipped).
import os from 'node:os';
import { command, whenReady } from './commands.js';
import type { RedisConnection } from './connection.js';
import { parseLastRun, parsePause, type LastRun, type PauseResult, type ScheduleGate, type ScheduleKeeper, type ScheduleState } from '../../schedule/state.js';

export const pausedKey = (prefix: string): string => `${prefix}:scheduler:paused`;
export const lastRunKey = (prefix: string, name: string): string => `${prefix}:scheduler:${name}:lastRun`;

export function redisScheduleState(connection: RedisConnection, prefix: string): ScheduleGate & ScheduleKeeper {
  const scope = connection.shown;
  const result = (name: string, changed: boolean, pausedSince: string | null): PauseResult => ({ name, changed, pausedSince, scope });
  return {
    scope,
    async isPaused(name) {
      return Number(await command(connection, 'hexists', pausedKey(prefix), name)) === 1;
    },
    async recordRun(name, run: LastRun) {
      await command(connection, 'set', lastRunKey(prefix, name), JSON.stringify(run));
    },
    async states(names) {
      await whenReady(connection);
      if (names.length === 0) return {};
      const [pauses, runs] = await Promise.all([
        command<unknown[]>(connection, 'hmget', pausedKey(prefix), ...names),
        command<unknown[]>(connection, 'mget', ...names.map((name) => lastRunKey(prefix, name))),
      ]);
      const states: Record<string, ScheduleState> = {};
      names.forEach((name, i) => {
        const pause = pauses[i];
        // A pause with an unreadable record is a pause of unknown age: the epoch says so.
        const pausedSince = pause === null || pause === undefined ? null : (parsePause(pause) ?? new Date(0).toISOString());
        states[name] = { pausedSince, lastRun: parseLastRun(runs[i]) };
      });
      return states;
    },
    async pause(name) {
      await whenReady(connection);
      const since = new Date().toISOString();
      const set = Number(await command(connection, 'hsetnx', pausedKey(prefix), name, JSON.stringify({ since, by: os.hostname() })));
      if (set === 1) return result(name, true, since);
      return result(name, false, parsePause(await command(connection, 'hget', pausedKey(prefix), name)));
    },
    async resume(name) {
      await whenReady(connection);
      const removed = Number(await command(connection, 'hdel', pausedKey(prefix), name));
      return result(name, removed === 1, null);
    },
    close: () => connection.close(),
  };
}
