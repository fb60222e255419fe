// A scheduler child's line to the schedules' state its primary keeps (embedded driver; see
// ./schedule-keeper.ts): it asks once for the paused schedules, is told whenever they change,
// and reports how each run went. It listens on the IPC channel for itself, for the `queue`
// messages that carry the schedules' ops (the child's queue client leaves those alone), so it
// works in a scheduler child whose app has no jobs at all.
import { message, parsePrimaryMessage } from '../../protocol/messages.js';
import type { LastRun, ScheduleGate } from '../../schedule/state.js';
import { parseToScheduler } from './protocol.js';
import { settlesWithin } from '../../util/with-timeout.js';

export interface ScheduleLinkOptions {
  /** The schedules this scheduler arms. */
  names: string[];
  /** How long to wait for the first answer before arming anyway (nothing paused then). */
  timeoutMs: number;
  warn: (text: string) => void;
}

export async function linkToPrimary(options: ScheduleLinkOptions): Promise<ScheduleGate> {
  const paused = new Set<string>();
  let answered: (() => void) | undefined;
  const first = new Promise<void>((resolve) => (answered = resolve));
  const send = (body: object) => {
    if (process.connected) process.send?.(message('queue', { body: body as { op: string } }));
  };
  const listener = (raw: unknown) => {
    const parsedMessage = parsePrimaryMessage(raw);
    if (!parsedMessage?.ok) return; // not ours, or refused where the child's own link reads it
    const msg = parsedMessage.message;
    if (msg.act !== 'queue' || msg.body.op !== 'paused') return;
    const parsed = parseToScheduler(msg.body);
    if (!parsed.ok) return options.warn(`schedules: refused a message from the primary: ${parsed.why}`);
    paused.clear();
    for (const name of parsed.value.names) paused.add(name);
    answered?.();
  };
  process.on('message', listener);
  send({ op: 'schedules', names: options.names });
  const inTime = await settlesWithin(first, options.timeoutMs);
  if (!inTime) options.warn(`the primary did not say within ${options.timeoutMs} ms which schedules are paused: arming them all; a pause reaches this scheduler when the primary answers`);

  return {
    scope: 'this crew',
    isPaused: async (name) => paused.has(name),
    async recordRun(name: string, run: LastRun) {
      send({ op: 'ran', name, run });
    },
    async close() {
      process.off('message', listener);
    },
  };
}
