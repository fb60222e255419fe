// The primary's supervisor. It is responsible for:
// - one ChildSlot per planned component instance, started together;
// - applying the restart policy to every unexpected exit, and giving a component up when the
//   policy says so (`giveUp: exit` stops crew with exit code 1, `stay` keeps the rest running);
// - the watchdog and memory limit, through the resource monitor;
// - shutdown: one deadline per component computed once from the moment the stop began, the
//   sources of work (server, scheduler) stopped first, then the rest; a second stop kills.
// Signal handlers only call `stop`/`kill` (see ./signals.ts); the promise `done` carries the
// exit code.
import os from 'node:os';
import type { CrewConfig, SupervisorConfig } from '../config/types.js';
import { supervisorFor } from '../config/supervisor-for.js';
import type { ChildSpec } from '../protocol/child-spec.js';
import type { QueueBody } from '../protocol/messages.js';
import type { CrewLogger, Formatter, Output } from '../log/index.js';
import { ChildSlot, type ExitInfo, type SlotOwner } from './child-slot.js';
import { decideRestart } from './restart-policy.js';
import type { PlannedComponent } from './plan.js';
import { ResourceMonitor } from './resource-monitor.js';

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
  onQueueMessage?(slot: ChildSlot, body: QueueBody): void;
  onChildReady?(slot: ChildSlot): void;
  /** Every exit, requested or not, after the child's output was relayed. */
  onChildExit?(slot: ChildSlot, info: ExitInfo): void;
  /** Called once all children have exited at shutdown. */
  stop?(): Promise<void>;
}

interface Group {
  component: string;
  policy: SupervisorConfig;
  slots: ChildSlot[];
  /** Children being replaced by a reload, still draining: shutdown stops them too. */
  outgoing: Set<ChildSlot>;
  restarts: number[];
  failed: boolean;
  makeSlot(instance: number): ChildSlot;
}

/** Reloaded new-child-first: they share their port, so a single instance reloads without a gap. */
const START_FIRST = new Set(['server']);

/** Stopped first, so no new work arrives while the rest drain. */
const SOURCES_OF_WORK = new Set(['server', 'scheduler']);

export class Supervisor implements SlotOwner {
  readonly startedAt = Date.now();
  readonly groups: Group[];
  readonly done: Promise<number>;
  private finish!: (code: number) => void;
  private exitCode = 0;
  /** Components given up and not started again since: each makes the exit code 1. */
  private readonly givenUp = new Set<string>();
  /** Replacements a reload is trying out: their failure is the reload's to handle, not a crash. */
  private readonly candidates = new Set<ChildSlot>();
  private stopping: Promise<void> | undefined;
  private readonly monitor: ResourceMonitor;

  constructor(private readonly options: SupervisorOptions) {
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.groups = options.plan.map(({ component, instances }) => {
      const policy = supervisorFor(options.config, component);
      const makeSlot = (instance: number) => new ChildSlot(component, instance, { owner: this, policy, log: options.log, output: options.output, formatter: options.formatter });
      const slots = Array.from({ length: instances }, (_, i) => makeSlot(i + 1));
      return { component, policy, slots, outgoing: new Set<ChildSlot>(), restarts: [], failed: false, makeSlot };
    });
    this.monitor = new ResourceMonitor({
      slots: () => this.slots(),
      policyOf: (slot) => this.groupOf(slot).policy,
      log: options.log,
      restart: (slot, reason) => this.restartSlot(slot, reason),
      kill: (slot, reason) => void slot.kill(reason),
    });
  }

  slots(): ChildSlot[] {
    return this.groups.flatMap((group) => group.slots);
  }

  start(): void {
    const summary = this.groups.map((g) => `${g.component}×${g.slots.length}`).join(', ');
    this.options.log.info(`starting ${summary} (env ${this.options.env}, pid ${process.pid})`, { env: this.options.env });
    for (const slot of this.slots()) slot.start();
    this.monitor.start();
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

  onReady(slot: ChildSlot): void {
    this.options.hooks?.onChildReady?.(slot);
  }

  onQueueMessage(slot: ChildSlot, body: QueueBody): void {
    this.options.hooks?.onQueueMessage?.(slot, body);
  }

  onExit(slot: ChildSlot, info: ExitInfo): void {
    this.options.hooks?.onChildExit?.(slot, info);
    if (info.killedAtGrace) this.exitCode = 1;
    if (info.requested || this.stopping || this.candidates.has(slot)) return;
    const group = this.groupOf(slot);
    if (group.failed) {
      slot.markFailed();
      return;
    }
    if (info.fatal) {
      this.giveUp(group, info.fatal);
      return;
    }
    const decision = decideRestart(group.policy.restart, { restarts: group.restarts, attempt: slot.attempt }, info.uptime, info.at);
    group.restarts = decision.history.restarts;
    slot.attempt = decision.history.attempt;
    if (decision.action === 'give-up') {
      this.giveUp(group, decision.reason);
      return;
    }
    slot.restarts += 1;
    this.options.log.info(`${slot.tag} restarting in ${decision.delay} ms`, { child: slot.tag, delay: decision.delay, restarts: slot.restarts });
    slot.scheduleStart(decision.delay);
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
      if (slot.running) void slot.stop(Date.now() + group.policy.grace).then(() => slot.markFailed());
    }
    if (!watching && (giveUp === 'exit' || this.groups.every((g) => g.failed))) void this.stop('a component was given up');
  }

  /** Gracefully replaces one child: at warn for a child in trouble (memory limit), at info for a reload. */
  async restartSlot(slot: ChildSlot, reason: string, level: 'warn' | 'info' = 'warn'): Promise<void> {
    if (this.stopping || !slot.running) return;
    this.options.log[level](`${slot.tag} restarting: ${reason}`, { child: slot.tag, reason });
    await slot.stop(Date.now() + this.groupOf(slot).policy.grace);
    if (!this.stopping && !this.groupOf(slot).failed) slot.start();
  }

  /** Rolling restart: one child at a time, each replaced and ready before the next goes. */
  async reload(reason: string, slots: ChildSlot[] = this.slots()): Promise<void> {
    if (this.stopping) return;
    const which = slots.length === this.slots().length ? 'every component' : slots.map((s) => s.tag).join(', ');
    this.options.log.info(`reloading ${which} (${reason})`);
    for (const slot of slots) {
      if (this.stopping) return;
      if (START_FIRST.has(slot.component)) {
        await this.replaceStartingFirst(slot, reason);
      } else {
        await this.restartSlot(slot, reason, 'info');
        await slot.settled();
      }
    }
  }

  /**
   * `--watch`: the sources changed. Every running child is replaced (the rolling reload), and a
   * child waiting out a backoff or given up starts again now with a clean restart history: the
   * change may be its fix.
   */
  async reloadForChange(reason: string): Promise<void> {
    if (this.stopping) return;
    const running: ChildSlot[] = [];
    this.givenUp.clear();
    for (const group of this.groups) {
      group.failed = false;
      group.restarts = [];
      for (const slot of group.slots) {
        slot.attempt = 0;
        if (slot.running) running.push(slot);
        else slot.start();
      }
    }
    if (running.length > 0) await this.reload(reason, running);
  }

  /**
   * Replaces a server child without a gap: the new child starts (sharing the port) and must be
   * ready before the old one is stopped. When it does not become ready, the old child stays.
   */
  private async replaceStartingFirst(slot: ChildSlot, reason: string): Promise<void> {
    const group = this.groupOf(slot);
    if (this.stopping || group.failed || !slot.running) return;
    const fresh = group.makeSlot(slot.instance);
    fresh.restarts = slot.restarts;
    const index = group.slots.indexOf(slot);
    group.slots[index] = fresh;
    group.outgoing.add(slot);
    this.options.log.info(`${slot.tag} replacing (${reason}): the new child starts before the old one stops`, { child: slot.tag });
    this.candidates.add(fresh);
    fresh.start();
    await fresh.settled();
    this.candidates.delete(fresh);
    if (fresh.state === 'ready') {
      await slot.stop(Date.now() + group.policy.grace);
    } else {
      this.options.log.warn(`${slot.tag}: the replacement did not become ready; keeping the running child`, { child: slot.tag });
      await fresh.stop(Date.now());
      if (group.slots[index] === fresh) group.slots[index] = slot;
    }
    group.outgoing.delete(slot);
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
    this.options.log.info(`shutting down (${reason}); grace ${grace} ms`, { reason, grace });
    this.monitor.stop();
    const stopGroups = (groups: Group[]) => Promise.all(groups.flatMap((g) => [...g.slots, ...g.outgoing].map((slot) => slot.stop(begun + g.policy.grace))));
    await stopGroups(this.groups.filter((g) => SOURCES_OF_WORK.has(g.component)));
    await stopGroups(this.groups.filter((g) => !SOURCES_OF_WORK.has(g.component)));
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
