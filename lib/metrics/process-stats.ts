// A Node.js process's own figures for a metrics report (./report.ts): cpu time, memory, how
// long its event loop waits to run what is due, how busy it is. Used by each child for itself,
// and by the primary for itself. Created only with metrics on: the event-loop delay monitor is
// a timer of libuv's, sampling every RESOLUTION_MS.
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import type { ProcessStats } from './report.js';

const RESOLUTION_MS = 20;
const NS = 1e-9;

export class ProcessSampler {
  private readonly delay: IntervalHistogram;
  private elu: EventLoopUtilization;
  private readonly startTime = Math.round(performance.timeOrigin) / 1000;

  constructor() {
    this.delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.delay.enable();
    this.elu = performance.eventLoopUtilization();
  }

  /** The figures now; the event loop's are since the previous call (or since the sampler was made). */
  sample(): ProcessStats {
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    const elu = performance.eventLoopUtilization();
    const since = performance.eventLoopUtilization(elu, this.elu);
    this.elu = elu;
    const delay = this.delay;
    // An empty histogram (no sample yet) reads as a huge minimum; report no delay instead.
    const sampled = delay.count > 0;
    const stats: ProcessStats = {
      cpuUser: cpu.user / 1e6,
      cpuSystem: cpu.system / 1e6,
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      external: memory.external,
      loopLagP50: sampled ? delay.percentile(50) * NS : 0,
      loopLagP99: sampled ? delay.percentile(99) * NS : 0,
      loopLagMax: sampled ? delay.max * NS : 0,
      loopUtilization: Number.isFinite(since.utilization) ? Math.min(1, Math.max(0, since.utilization)) : 0,
      resources: process.getActiveResourcesInfo().length,
      startTime: this.startTime,
    };
    delay.reset();
    return stats;
  }

  stop(): void {
    this.delay.disable();
  }
}
