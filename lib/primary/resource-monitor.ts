// Watches running children on one timer: the heartbeat watchdog (a child whose event loop
// stopped answering for `watchdog` ms is killed, and restarted as a crash) and the memory limit
// (a child whose RSS stays above `memoryLimit` for three samples in a row is restarted
// gracefully). The same samples feed cpu and memory to `crew status`.
import type { SupervisorConfig } from '../config/types.js';
import type { CrewLogger } from '../log/index.js';
import type { ChildSlot } from './child-slot.js';

const TICK_MS = 1000;
const SAMPLES_OVER_LIMIT = 3;

export interface MonitorDeps {
  slots(): ChildSlot[];
  policyOf(slot: ChildSlot): SupervisorConfig;
  log: CrewLogger;
  restart(slot: ChildSlot, reason: string): void;
  kill(slot: ChildSlot, reason: string): void;
}

export class ResourceMonitor {
  private timer: NodeJS.Timeout | undefined;
  private lastTick = 0;
  private readonly overLimit = new Map<ChildSlot, number>();
  private sampling = false;

  constructor(private readonly deps: MonitorDeps) {}

  start(): void {
    this.lastTick = Date.now();
    this.timer ??= setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const now = Date.now();
    const lag = now - this.lastTick - TICK_MS;
    this.lastTick = now;
    const slots = this.deps.slots().filter((slot) => slot.running);
    for (const slot of slots) {
      // When the primary itself was held up (a blocked stdout, say), silence is not the child's fault.
      if (lag > TICK_MS) {
        slot.lastBeat = now;
        continue;
      }
      const { watchdog } = this.deps.policyOf(slot);
      if (watchdog > 0 && (slot.state === 'ready' || slot.state === 'starting') && now - slot.lastBeat > watchdog) {
        const reason = `no heartbeat for ${now - slot.lastBeat} ms (watchdog ${watchdog} ms)`;
        this.deps.log.error(`${slot.tag} is not responding: ${reason}; killing it`, { child: slot.tag, childPid: slot.pid });
        this.deps.kill(slot, reason);
      }
    }
    void this.sample(slots);
  }

  private async sample(slots: ChildSlot[]): Promise<void> {
    const pids = slots.map((slot) => slot.pid).filter((pid): pid is number => pid !== undefined && pid > 0);
    if (this.sampling || pids.length === 0) return;
    this.sampling = true;
    try {
      // Loaded at the first sample, a second after start: not on the way to the first fork.
      const { default: pidusage } = await import('pidusage');
      const stats = await pidusage(pids);
      for (const slot of slots) {
        const stat = slot.pid === undefined ? undefined : stats[slot.pid];
        // A child that exited between listing and sampling comes back null.
        if (!stat) continue;
        slot.rss = stat.memory;
        slot.cpu = stat.cpu;
        this.checkMemory(slot, stat.memory);
      }
    } catch (error) {
      this.deps.log.debug(`resource sampling failed: ${(error as Error).message}`);
    } finally {
      this.sampling = false;
    }
  }

  private checkMemory(slot: ChildSlot, rss: number): void {
    const { memoryLimit } = this.deps.policyOf(slot);
    if (memoryLimit <= 0 || slot.state !== 'ready') return;
    const count = rss > memoryLimit ? (this.overLimit.get(slot) ?? 0) + 1 : 0;
    this.overLimit.set(slot, count);
    if (count >= SAMPLES_OVER_LIMIT) {
      this.overLimit.set(slot, 0);
      this.deps.restart(slot, `RSS ${Math.round(rss / 1048576)} MB above memoryLimit ${Math.round(memoryLimit / 1048576)} MB`);
    }
  }
}
