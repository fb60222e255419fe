// The primary's supervisor: it decides, the slots carry out. It is responsible for:
// - one ChildSlot per planned component instance, forked one at a time with a turn of the
//   event loop between forks, so a SIGTERM during a large start is heard at once;
// - one restart history per component, and the restart decision (./restart-policy.ts) for
//   every crash of a slot's current child; giving a component up when the policy says so
//   (`giveUp: exit` stops crew with exit code 1, `stay` keeps the rest running);
// - the watchdog and memory-limit verdicts (./watchdog-policy.ts, ./memory-policy.ts) on what
//   the resource monitor reports;
// - replacements (reload, restart, memory limit) one at a time per component: a request made
//   while one runs waits for it; each reports what really happened, child by child;
// - shutdown (./shutdown.ts); a second stop kills.
// Signal handlers only call `stop`/`kill` (see ./signals.ts); the promise `done` carries the
// exit code.
import os from 'node:os';
import type { CrewConfig, SupervisorConfig } from '../config/types.js';
import { supervisorFor } from '../config/supervisor-for.js';
import type { ChildSpec } from '../protocol/child-spec.js';
import type { QueueBody } from '../protocol/messages.js';
import type { CrewLogger, Formatter, Output } from '../log/index.js';
import type { Child, ExitInfo } from './child.js';
import { ChildSlot, type Replacement, type SlotOwner } from './child-slot.js';
import { decideRestart, type RestartHistory } from './restart-policy.js';
import { judgeHeartbeat } from './watchdog-policy.js';
import { judgeMemory } from './memory-policy.js';
import type { PlannedComponent } from './plan.js';
import { ResourceMonitor, type Usage } from './resource-monitor.js';
import { shutDown } from './shutdown.js';

export interface SupervisorOptions {
  config: CrewConfig;
  env: string;
  appPath: string;
  plan: PlannedComponent[];
  log: CrewLogger;
  output: Output;
  formatter: Formatter;
  /** Primary-side services that follow the children (the embedded queue's broker, say). */
  hooks?: SupervisorHooks;
  /**
   * `--watch`: a component that fails is never a reason to exit (giveUp acts as `stay`): it waits
   * for the next change to the sources, which reloadForChange answers.
   */
  watching?: boolean;
}

export interface SupervisorHooks {
  onQueueMessage?(child: Child, body: QueueBody): void;
  /** Every exit of every child, requested or not, after its output was relayed. */
  onChildExit?(child: Child, info: ExitInfo): void;
  /** Called once all children have exited at shutdown. */
  stop?(): Promise<void>;
}

/** What a reload or restart did, child by child. */
export interface ReplaceReport {
  replaced: string[];
  failed: Array<{ child: string; reason: string }>;
}

interface Group {
  component: string;
  policy: SupervisorConfig;
  slots: ChildSlot[];
  history: RestartHistory;
  failed: boolean;
  /** Replacements of this component, one after another. */
  lane: Promise<unknown>;
  /** Replacements queued in the lane and not begun, by slot: a new request for one joins it. */
  queued: Map<ChildSlot, Promise<Replacement>>;
}

/** Replaced new-child-first: they share their port, so a single instance reloads without a gap. */
const START_FIRST = new Set(['server']);

export class Supervisor implements SlotOwner {
  readonly startedAt = Date.now();
  readonly done: Promise<number>;
  private readonly groups: Group[];
  private finish!: (code: number) => void;
  private exitCode = 0;
  /** Components given up and not started again since: each makes the exit code 1. */
  private readonly givenUp = new Set<string>();
  /** Slots with a memory-limit restart queued or running: one at a time. */
  private readonly restarting = new Set<ChildSlot>();
  private stopping: Promise<void> | undefined;
  private readonly monitor: ResourceMonitor;

  constructor(private readonly options: SupervisorOptions) {
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.groups = options.plan.map(({ component, instances }) => {
      const policy = supervisorFor(options.config, component);
      const deps = { owner: this, policy, log: options.log, output: options.output, formatter: options.formatter };
      const slots = Array.from({ length: instances }, (_, i) => new ChildSlot(component, i + 1, deps));
      return { component, policy, slots, history: { restarts: [], attempt: 0 }, failed: false, lane: Promise.resolve(), queued: new Map() };
    });
    this.monitor = new ResourceMonitor({
      pids: () => this.slots().flatMap((slot) => (slot.child ? [slot.child.pid] : [])),
      onTick: (now, heldUpAt) => this.judgeHeartbeats(now, heldUpAt),
      onUsage: (usage) => this.judgeMemory(usage),
      log: options.log,
    });
  }

  slots(): ChildSlot[] {
    return this.groups.flatMap((group) => group.slots);
  }

  /** Forks every slot's child, yielding between forks; stops forking as soon as a stop began. */
  async start(): Promise<void> {
    const summary = this.groups.map((g) => `${g.component}×${g.slots.length}`).join(', ');
    this.options.log.info(`starting ${summary} (env ${this.options.env}, pid ${process.pid})`, { env: this.options.env });
    for (const slot of this.slots()) {
      if (this.stopping) return;
      slot.start();
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (!this.stopping) this.monitor.start();
  }

  // --- SlotOwner -------------------------------------------------------------------------

  spec(slot: ChildSlot): Omit<ChildSpec, 'recordMark'> {
    const policy = this.groupOf(slot).policy;
    return {
      component: slot.component,
      instance: slot.instance,
      env: this.options.env,
      appPath: this.options.appPath,
      config: this.options.config,
      heartbeatInterval: policy.watchdog > 0 ? Math.min(Math.max(Math.floor(policy.watchdog / 5), 50), 5000) : 0,
      grace: policy.grace,
    };
  }

  onQueueMessage(child: Child, body: QueueBody): void {
    this.options.hooks?.onQueueMessage?.(child, body);
  }

  onChildExit(child: Child, info: ExitInfo): void {
    this.options.hooks?.onChildExit?.(child, info);
    if (info.killedAtGrace) this.exitCode = 1;
  }

  onCrash(slot: ChildSlot, info: ExitInfo): void {
    if (this.stopping) return;
    const group = this.groupOf(slot);
    if (group.failed) {
      slot.markFailed();
      return;
    }
    if (info.fatal) {
      this.giveUp(group, info.fatal);
      return;
    }
    const decision = decideRestart(group.policy.restart, group.history, info.uptime, info.at);
    group.history = decision.history;
    if (decision.action === 'give-up') {
      this.giveUp(group, decision.reason);
      return;
    }
    slot.scheduleRestart(decision.delay);
    this.options.log.info(`${slot.tag} restarting in ${decision.delay} ms`, { child: slot.tag, delay: decision.delay, restarts: slot.restarts });
  }

  // --- verdicts on what the monitor reports ------------------------------------------------

  private judgeHeartbeats(now: number, primaryHeldUpAt: number): void {
    for (const group of this.groups) {
      for (const slot of group.slots) {
        const child = slot.child;
        if (!child) continue;
        const verdict = judgeHeartbeat({ state: child.state, lastBeat: child.lastBeat, primaryHeldUpAt }, group.policy, now);
        if (verdict.action === 'keep') continue;
        this.options.log.error(`${slot.tag} is not responding: ${verdict.reason}; killing it`, { child: slot.tag, childPid: child.pid });
        slot.killUnresponsive(verdict.reason);
      }
    }
  }

  private judgeMemory(usage: ReadonlyMap<number, Usage>): void {
    for (const group of this.groups) {
      for (const slot of group.slots) {
        const child = slot.child;
        const sample = child ? usage.get(child.pid) : undefined;
        if (!child || !sample) continue;
        const verdict = judgeMemory({ state: child.state, rss: sample.memory, samplesOver: slot.overLimit }, group.policy);
        slot.observe({ rss: sample.memory, cpu: sample.cpu }, verdict.samplesOver);
        if (verdict.action !== 'restart' || this.restarting.has(slot)) continue;
        this.restarting.add(slot);
        void this.replaceInLane(group, slot, verdict.reason ?? 'memory limit', 'warn').finally(() => this.restarting.delete(slot));
      }
    }
  }

  // --- decisions -------------------------------------------------------------------------

  private giveUp(group: Group, reason: string): void {
    group.failed = true;
    this.givenUp.add(group.component);
    const watching = this.options.watching === true;
    const giveUp = watching ? 'stay' : group.policy.restart.giveUp;
    const then = watching ? 'waiting for a change to the sources (--watch)' : giveUp === 'exit' ? 'stopping crew (giveUp: exit)' : 'the rest keeps running (giveUp: stay)';
    this.options.log.error(`${group.component} given up: ${reason}; ${then}`, { component_failed: group.component, reason, giveUp });
    for (const slot of group.slots) {
      slot.markFailed();
      void slot.stop(Date.now() + group.policy.grace, Date.now());
    }
    if (!watching && (giveUp === 'exit' || this.groups.every((g) => g.failed))) void this.stop('a component was given up');
  }

  /**
   * Replaces the given children (default: every one), one at a time, component by component in
   * the plan's order. Each component's replacements wait for any already running; a child whose
   * replacement is queued and not yet begun is not queued twice: this request joins that one,
   * which begins after it anyway. Resolves with what happened to each.
   */
  async reload(reason: string, slots: ChildSlot[] = this.slots()): Promise<ReplaceReport> {
    const report: ReplaceReport = { replaced: [], failed: [] };
    const which = slots.length === this.slots().length ? 'every component' : slots.map((s) => s.tag).join(', ');
    if (!this.stopping) this.options.log.info(`reloading ${which} (${reason})`);
    for (const group of this.groups) {
      const mine = slots.filter((slot) => slot.component === group.component);
      const outcomes = await Promise.all(mine.map((slot) => this.replaceInLane(group, slot, reason, 'info')));
      mine.forEach((slot, i) => {
        const outcome = outcomes[i]!;
        if (outcome.ok) report.replaced.push(slot.tag);
        else report.failed.push({ child: slot.tag, reason: outcome.reason });
      });
    }
    return report;
  }

  /**
   * `--watch`: the sources changed. Every running child is replaced (the rolling reload), and a
   * child waiting out a backoff or given up starts again now with a clean restart history: the
   * change may be its fix.
   */
  async reloadForChange(reason: string): Promise<ReplaceReport> {
    if (this.stopping) return { replaced: [], failed: [] };
    const running: ChildSlot[] = [];
    this.givenUp.clear();
    for (const group of this.groups) {
      group.failed = false;
      group.history = { restarts: [], attempt: 0 };
      for (const slot of group.slots) {
        slot.revive();
        if (slot.running) running.push(slot);
        else slot.start();
      }
    }
    return running.length > 0 ? this.reload(reason, running) : { replaced: [], failed: [] };
  }

  /** Queues one replacement in its component's lane, or joins the one queued for that child. */
  private replaceInLane(group: Group, slot: ChildSlot, reason: string, level: 'info' | 'warn'): Promise<Replacement> {
    const queued = group.queued.get(slot);
    if (queued) return queued;
    const run = group.lane.then(() => {
      group.queued.delete(slot);
      return this.replaceOne(group, slot, reason, level);
    });
    group.queued.set(slot, run);
    group.lane = run.catch((error: Error) => this.options.log.error(`${slot.tag}: the replacement failed: ${error.stack ?? error.message}`));
    return run;
  }

  private async replaceOne(group: Group, slot: ChildSlot, reason: string, level: 'info' | 'warn'): Promise<Replacement> {
    if (this.stopping) return { ok: false, reason: 'crew is stopping' };
    // A child still starting (a restart after a crash, say) is replaced once it has settled.
    await slot.settled();
    if (this.stopping) return { ok: false, reason: 'crew is stopping' };
    if (START_FIRST.has(slot.component)) return slot.replaceStartingFirst(reason, group.policy.grace, level);
    return slot.replaceStoppingFirst(reason, Date.now() + group.policy.grace, level);
  }

  /** The slots a name selects: `worker` (every instance) or `worker.2`; undefined for an unknown name. */
  select(target: string): ChildSlot[] | undefined {
    const found = this.slots().filter((slot) => slot.component === target || slot.tag === target);
    return found.length > 0 ? found : undefined;
  }

  /** Graceful shutdown; safe to call twice (the second call returns the same promise). */
  stop(reason: string): Promise<void> {
    this.stopping ??= this.shutdown(reason);
    return this.stopping;
  }

  /** Kills every child now: the answer to a second SIGTERM/SIGINT. */
  kill(reason: string): void {
    this.options.log.warn(`${reason}: killing every child now`);
    this.exitCode = 1;
    void this.stop(reason);
    for (const slot of this.slots()) void slot.kill();
  }

  private async shutdown(reason: string): Promise<void> {
    const begun = Date.now();
    const grace = Math.max(...this.groups.map((g) => g.policy.grace), 0);
    const drainDelay = this.groups.some((g) => g.component === 'server') ? this.options.config.server.drainDelay : 0;
    const delay = drainDelay > 0 ? `; the server keeps serving for ${drainDelay} ms (server.drainDelay)` : '';
    this.options.log.info(`shutting down (${reason}); grace ${grace} ms${delay}`, { reason, grace, drainDelay });
    this.monitor.stop();
    await shutDown(
      this.groups.map((g) => ({ component: g.component, grace: g.policy.grace, slots: g.slots })),
      {
        begun,
        drainDelay,
        onQuiet: (how) =>
          this.options.log.debug(how === 'quiet' ? 'the server stopped accepting: quieting the rest' : 'the server did not say it stopped accepting in time: quieting the rest anyway'),
      },
    );
    await this.options.hooks?.stop?.();
    const code = this.givenUp.size > 0 ? 1 : this.exitCode;
    this.options.log.info(`stopped in ${Date.now() - begun} ms (exit code ${code})`, { exitCode: code });
    this.finish(code);
  }

  private groupOf(slot: ChildSlot): Group {
    const group = this.groups.find((g) => g.component === slot.component);
    if (!group) throw new Error(`no group for ${slot.tag}`);
    return group;
  }
}

export const cpuCount = (): number => os.availableParallelism();
