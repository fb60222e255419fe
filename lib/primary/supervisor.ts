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
// - an app that does not load (a syntax error since crew started: --watch, a deploy): reported
//   once however many children hit it; no child is restarted into it (its component waits for
//   a change under --watch, is given up otherwise), and a reload stops replacing children
//   with it: those not yet replaced keep running the code they have;
// - how each component's children run Node (./node-launch.ts): their Node options, and one
//   inspector port per live child when they run a debugger (./inspector-ports.ts);
// - shutdown (./shutdown.ts); a second stop kills.
// Signal handlers only call `stop`/`kill` (see ./signals.ts); the promise `done` carries the
// exit code.
import os from 'node:os';
import type { CrewConfig, SupervisorConfig } from '../config/types.js';
import { supervisorFor } from '../config/supervisor-for.js';
import type { ChildSpec } from '../protocol/child-spec.js';
import type { QueueBody } from '../protocol/messages.js';
import type { CrewLogger, Formatter, Output } from '../log/index.js';
import type { Child, ChildOptions, ExitInfo } from './child.js';
import { ChildSlot, type Replacement, type SlotOwner } from './child-slot.js';
import { decideRestart, type RestartHistory } from './restart-policy.js';
import { judgeHeartbeat } from './watchdog-policy.js';
import { judgeMemory } from './memory-policy.js';
import type { PlannedComponent } from './plan.js';
import { ResourceMonitor, type Usage } from './resource-monitor.js';
import { shutDown } from './shutdown.js';
import { debuggingNotice, nodeLaunchFor, policyWhileDebugging, type NodeLaunch } from './node-launch.js';
import { InspectorPorts } from './inspector-ports.js';

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
  /** Inspector ports, probed before the start (prepareStart); a fresh allocator otherwise. */
  inspectorPorts?: InspectorPorts;
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
  launch: NodeLaunch;
  slots: ChildSlot[];
  history: RestartHistory;
  failed: boolean;
  /** Replacements of this component, one after another. */
  lane: Promise<unknown>;
  /** Replacements queued in the lane and not begun, by slot: a new request for one joins it. */
  queued: Map<ChildSlot, Promise<Replacement>>;
}

/** Why a replacement was not tried: the app does not load (said once, in full, when first found). */
const APP_DOES_NOT_LOAD = 'the app does not load; the running child was kept';

/** Replaced new-child-first: they share their port, so a single instance reloads without a gap. */
const START_FIRST = new Set(['server']);

export class Supervisor implements SlotOwner {
  readonly startedAt = Date.now();
  readonly done: Promise<number>;
  private readonly groups: Group[];
  private finish!: (code: number) => void;
  private exitCode = 0;
  /** When the log stream was last seen behind (children then wait on their pipes). */
  private outputBehindAt = 0;
  /** Components given up and not started again since: each makes the exit code 1. */
  private readonly givenUp = new Set<string>();
  /** Slots with a memory-limit restart queued or running: one at a time. */
  private readonly restarting = new Set<ChildSlot>();
  private stopping: Promise<void> | undefined;
  private readonly monitor: ResourceMonitor;
  /**
   * Why the app does not load, since the last reload began (a change to the sources, a
   * `crew reload`): every child loads the same app, so one child's failure speaks for all.
   */
  private loadFailure: string | undefined;
  private readonly inspectorPorts: InspectorPorts;

  constructor(private readonly options: SupervisorOptions) {
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.inspectorPorts = options.inspectorPorts ?? new InspectorPorts();
    this.groups = options.plan.map(({ component, instances }) => {
      const launch = nodeLaunchFor(options.config, component);
      const policy = policyWhileDebugging(supervisorFor(options.config, component), launch);
      const deps = { owner: this, policy, log: options.log, output: options.output, formatter: options.formatter };
      const slots = Array.from({ length: instances }, (_, i) => new ChildSlot(component, i + 1, deps));
      return { component, policy, launch, slots, history: { restarts: [], attempt: 0 }, failed: false, lane: Promise.resolve(), queued: new Map() };
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
    const notice = debuggingNotice(this.groups);
    if (notice) this.options.log.info(notice);
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
      // Beats also carry the child's activity for `crew status`: without a watchdog, one every 5 s.
      heartbeatInterval: policy.watchdog > 0 ? Math.min(Math.max(Math.floor(policy.watchdog / 5), 50), 5000) : 5000,
      grace: policy.grace,
    };
  }

  launch(slot: ChildSlot): ChildOptions['launch'] {
    const { nodeArgs, inspector } = this.groupOf(slot).launch;
    if (!inspector) return { nodeArgs };
    return { nodeArgs, inspectPort: this.inspectorPorts.take(slot.tag, inspector.port), inspectHost: inspector.host };
  }

  onQueueMessage(child: Child, body: QueueBody): void {
    this.options.hooks?.onQueueMessage?.(child, body);
  }

  onChildExit(child: Child, info: ExitInfo): void {
    this.options.hooks?.onChildExit?.(child, info);
    this.inspectorPorts.release(child.inspectPort);
    if (info.killedAtGrace) this.exitCode = 1;
    if (info.loadFailed !== undefined) this.noteLoadFailure(child.tag, info.loadFailed);
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
    if (info.loadFailed !== undefined) {
      // Restarting into code that does not load would fail the same way, again and again.
      this.giveUp(group, 'the app does not load (above)');
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
    // While the log stream is behind, children wait on their full pipes (lib/child/blocking-output.ts):
    // their silence then is the primary's doing, as a held-up primary's is.
    if (this.options.output.behind) this.outputBehindAt = now;
    const heldUpAt = Math.max(primaryHeldUpAt, this.outputBehindAt);
    for (const group of this.groups) {
      for (const slot of group.slots) {
        const child = slot.child;
        if (!child) continue;
        const verdict = judgeHeartbeat({ state: child.state, lastBeat: child.lastBeat, primaryHeldUpAt: heldUpAt }, group.policy, now);
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

  /** The error in full the first time; the same again from another child is said quietly. */
  private noteLoadFailure(tag: string, reason: string): void {
    const known = this.loadFailure === reason;
    this.loadFailure = reason;
    if (known) this.options.log.debug(`${tag}: the same load failure`, { child: tag });
    else this.options.log.error(reason, { child: tag, loadFailed: true });
  }

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
    // A new attempt: the app may load now.
    this.loadFailure = undefined;
    return this.replaceAll(reason, slots);
  }

  private async replaceAll(reason: string, slots: ChildSlot[]): Promise<ReplaceReport> {
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
    const kept = report.failed.filter((failure) => failure.reason === APP_DOES_NOT_LOAD).map((failure) => failure.child);
    if (kept.length > 0 && !this.stopping) {
      const then = this.options.watching ? ' until the sources change (--watch)' : '';
      this.options.log.warn(`the app does not load: ${kept.join(', ')} keep${kept.length === 1 ? 's' : ''} running the code ${kept.length === 1 ? 'it has' : 'they have'}${then}`, { kept });
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
    this.loadFailure = undefined;
    for (const group of this.groups) {
      group.failed = false;
      group.history = { restarts: [], attempt: 0 };
      for (const slot of group.slots) {
        slot.revive();
        if (slot.running) running.push(slot);
        else slot.start();
      }
    }
    return running.length > 0 ? this.replaceAll(reason, running) : { replaced: [], failed: [] };
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
    // Another child of this attempt found the app does not load: this one's would not either.
    if (this.loadFailure !== undefined && slot.running) return { ok: false, reason: APP_DOES_NOT_LOAD };
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
