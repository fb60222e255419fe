// With the embedded driver, the schedules' state lives in the running primary (there is one
// crew, and nothing to share): which schedules an operator paused, and how each last ran. It
// tells every scheduler child that asked (`schedules`) which are paused, at once and whenever
// that changes, and takes each run's report (`ran`). Like the queue, it is lost when the crew
// stops: a pause holds for the running crew only.
import type { QueueBody } from '../../protocol/messages.js';
import { message } from '../../protocol/messages.js';
import { parseLastRun, type LastRun, type PauseResult, type ScheduleKeeper, type ScheduleState } from '../../schedule/state.js';
import type { BrokerPeer } from './broker.js';
import { parseToScheduleKeeper, type ToScheduler } from './protocol.js';

export class CrewScheduleKeeper implements ScheduleKeeper {
  readonly scope = 'this crew';
  private readonly paused = new Map<string, string>();
  private readonly lastRuns = new Map<string, LastRun>();
  private readonly schedulers = new Set<BrokerPeer>();

  constructor(
    /** The schedules this crew has; reports about others are ignored. */
    private readonly names: ReadonlySet<string>,
    private readonly warn: (text: string) => void,
  ) {}

  receive(peer: BrokerPeer, body: QueueBody): void {
    const parsed = parseToScheduleKeeper(body);
    if (!parsed.ok) return this.warn(`schedules: refused a message from ${peer.tag}: ${parsed.why}`);
    const op = parsed.value;
    if (op.op === 'schedules') {
      this.schedulers.add(peer);
      this.tell(peer);
      return;
    }
    const run = parseLastRun(op.run);
    if (!run || !this.names.has(op.name)) return this.warn(`schedules: refused a report from ${peer.tag} about ${JSON.stringify(op.name.slice(0, 60))}`);
    this.lastRuns.set(op.name, run);
  }

  /** A child exited: it is told nothing more. */
  forget(peer: BrokerPeer): void {
    this.schedulers.delete(peer);
  }

  async states(names: readonly string[]): Promise<Record<string, ScheduleState>> {
    return Object.fromEntries(names.map((name) => [name, { pausedSince: this.paused.get(name) ?? null, lastRun: this.lastRuns.get(name) ?? null }]));
  }

  async pause(name: string): Promise<PauseResult> {
    const since = this.paused.get(name);
    if (since !== undefined) return { name, changed: false, pausedSince: since, scope: this.scope };
    const now = new Date().toISOString();
    this.paused.set(name, now);
    this.tellAll();
    return { name, changed: true, pausedSince: now, scope: this.scope };
  }

  async resume(name: string): Promise<PauseResult> {
    const changed = this.paused.delete(name);
    if (changed) this.tellAll();
    return { name, changed, pausedSince: null, scope: this.scope };
  }

  async close(): Promise<void> {
    this.schedulers.clear();
  }

  private tellAll(): void {
    for (const peer of this.schedulers) this.tell(peer);
  }

  private tell(peer: BrokerPeer): void {
    const body: ToScheduler = { op: 'paused', names: [...this.paused.keys()] };
    peer.send(message('queue', { body }));
  }
}
