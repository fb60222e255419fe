// Samples the running children on one timer and reports; it decides nothing and writes no
// child's state. Each tick reports the time and when the primary itself was last held up (a
// tick that came late by more than a tick: the watchdog must not blame children for beats the
// primary could not read), then the children's RSS and cpu (via pidusage) as they arrive.
import type { CrewLogger } from '../log/index.js';

const TICK_MS = 1000;

export interface Usage {
  /** RSS, bytes. */
  memory: number;
  /** Percent of one core since the last sample. */
  cpu: number;
}

export interface MonitorReports {
  /** The pids to sample now. */
  pids(): number[];
  onTick(now: number, primaryHeldUpAt: number): void;
  /** Usage by pid; a child that exited between listing and sampling is missing. */
  onUsage(usage: ReadonlyMap<number, Usage>): void;
  log: Pick<CrewLogger, 'debug'>;
}

export class ResourceMonitor {
  private timer: NodeJS.Timeout | undefined;
  private lastTick = 0;
  private heldUpAt = 0;
  private sampling = false;

  constructor(private readonly reports: MonitorReports) {}

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
    if (now - this.lastTick - TICK_MS > TICK_MS) this.heldUpAt = now;
    this.lastTick = now;
    this.reports.onTick(now, this.heldUpAt);
    void this.sample(this.reports.pids().filter((pid) => pid > 0));
  }

  private async sample(pids: number[]): Promise<void> {
    if (this.sampling || pids.length === 0) return;
    this.sampling = true;
    try {
      // Loaded at the first sample, a second after start: not on the way to the first fork.
      const { default: pidusage } = await import('pidusage');
      const stats = await pidusage(pids);
      const usage = new Map<number, Usage>();
      for (const pid of pids) {
        const stat = stats[pid];
        // A child that exited between listing and sampling comes back null.
        if (stat) usage.set(pid, { memory: stat.memory, cpu: stat.cpu });
      }
      this.reports.onUsage(usage);
    } catch (error) {
      this.reports.log.debug(`resource sampling failed: ${(error as Error).message}`);
    } finally {
      this.sampling = false;
    }
  }
}
