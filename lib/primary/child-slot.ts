// One supervised instance of a component (`server.2`, say), and the only writer of its state:
// the child that serves it now (`current`), a replacement on trial, children it replaced that
// are still draining, a pending restart (backoff), given up (failed), its restart count and its
// last resource sample. It carries out what the supervisor decides — start, restart after a
// delay, replace, stop, kill — and reports each exit of its current child to the supervisor,
// which alone decides what happens next. The exits of a replacement on trial and of replaced
// children are not crashes: they are the slot's own business, reported only as events.
import type { SupervisorConfig } from '../config/types.js';
import type { ChildSpec } from '../protocol/child-spec.js';
import type { QueueBody } from '../protocol/messages.js';
import type { CrewLogger, Formatter, Output } from '../log/index.js';
import { Child, type ExitInfo } from './child.js';

export type SlotState = 'starting' | 'ready' | 'stopping' | 'backoff' | 'failed' | 'stopped';

export interface SlotOwner {
  /** Who the slot's child is; the child adds what is drawn anew for each process. */
  spec(slot: ChildSlot): Omit<ChildSpec, 'recordMark'>;
  onQueueMessage(child: Child, body: QueueBody): void;
  /** Every exit of every child of the slot, after its output was relayed. */
  onChildExit(child: Child, info: ExitInfo): void;
  /** The current child exited without being asked to: the owner decides what follows. */
  onCrash(slot: ChildSlot, info: ExitInfo): void;
}

export interface SlotDeps {
  owner: SlotOwner;
  policy: SupervisorConfig;
  log: CrewLogger;
  output: Output;
  formatter: Formatter;
}

export interface ResourceSample {
  rss: number;
  cpu: number;
}

/** How a replacement went: the new child is ready, or why not. */
export type Replacement = { ok: true } | { ok: false; reason: string };

export class ChildSlot {
  private current: Child | undefined;
  private trial: Child | undefined;
  private readonly leaving = new Set<Child>();
  private backoffTimer: NodeJS.Timeout | undefined;
  private failed = false;
  /** Stopped or killed as a whole (shutdown, give-up): nothing starts again until revived. */
  private halted = false;
  private restartCount = 0;
  private lastSample: ResourceSample | undefined;
  private samplesOver = 0;
  private last: ExitInfo | undefined;

  constructor(
    readonly component: string,
    readonly instance: number,
    private readonly deps: SlotDeps,
  ) {}

  get tag(): string {
    return `${this.component}.${this.instance}`;
  }

  get state(): SlotState {
    if (this.failed) return 'failed';
    if (this.backoffTimer) return 'backoff';
    if (!this.current) return 'stopped';
    return this.current.state === 'exited' ? 'stopped' : this.current.state;
  }

  /** The child serving this instance now. */
  get child(): Child | undefined {
    return this.current;
  }

  get running(): boolean {
    return this.current !== undefined;
  }

  get restarts(): number {
    return this.restartCount;
  }

  get sample(): ResourceSample | undefined {
    return this.lastSample;
  }

  /** Consecutive memory samples above the limit, for the memory verdict. */
  get overLimit(): number {
    return this.samplesOver;
  }

  /** Why the current child says it is degraded (its Redis is lost), while it says so. */
  get degraded(): string | undefined {
    return this.current?.degraded;
  }

  get lastExit(): ExitInfo | undefined {
    return this.last;
  }

  /** Every live process of this instance: current, on trial, draining. */
  children(): Child[] {
    return [this.current, this.trial, ...this.leaving].filter((child): child is Child => child !== undefined);
  }

  start(): void {
    if (this.current || this.failed || this.halted) return;
    this.cancelBackoff();
    this.current = this.fork();
    this.samplesOver = 0;
  }

  /** Waits `delay` ms in state `backoff`, then starts again. */
  scheduleRestart(delay: number): void {
    this.restartCount += 1;
    this.cancelBackoff();
    this.backoffTimer = setTimeout(() => {
      this.backoffTimer = undefined;
      this.start();
    }, delay);
  }

  markFailed(): void {
    this.cancelBackoff();
    this.failed = true;
  }

  /** Lifts a give-up (--watch: the sources changed, which may be the fix). */
  revive(): void {
    this.failed = false;
    this.halted = false;
  }

  observe(sample: ResourceSample, samplesOver: number): void {
    this.lastSample = sample;
    this.samplesOver = samplesOver;
  }

  /** Resolves once the current child is ready or gone. */
  async settled(): Promise<void> {
    await this.current?.settled();
  }

  /** Resolves once every live child of this instance takes no new work. */
  async quieted(): Promise<void> {
    await Promise.all(this.children().map((child) => child.quieted()));
  }

  /** Stops every child of this instance (and any pending restart); resolves when all have exited. */
  async stop(deadline: number, quietAt: number): Promise<void> {
    this.halted = true;
    this.cancelBackoff();
    await Promise.all(this.children().map((child) => child.stop(deadline, quietAt)));
  }

  /** Kills every child of this instance now, as asked. */
  async kill(): Promise<void> {
    this.halted = true;
    this.cancelBackoff();
    await Promise.all(this.children().map((child) => child.kill()));
  }

  /** Kills the current child for not answering: it counts as a crash. */
  killUnresponsive(reason: string): void {
    void this.current?.killUnresponsive(reason);
  }

  /**
   * The new child first: it starts beside the current one (servers share their port) and must
   * be ready before the current one is stopped; when it is not, the current one stays.
   */
  async replaceStartingFirst(reason: string, grace: number, level: 'info' | 'warn'): Promise<Replacement> {
    const old = this.current;
    if (!old || old.state !== 'ready') return { ok: false, reason: this.notRunning() };
    this.deps.log[level](`${this.tag} replacing (${reason}): the new child starts before the old one stops`, { child: this.tag, reason });
    const fresh = this.fork();
    this.trial = fresh;
    await fresh.settled();
    this.trial = undefined;
    // The old child may have crashed meanwhile (a restart is then pending): the new one takes over.
    const takesOver = !this.failed && !this.halted && (this.current === old || this.current === undefined);
    if (fresh.state === 'ready' && takesOver) {
      this.cancelBackoff();
      this.current = fresh;
      this.samplesOver = 0;
      if (old.alive) {
        this.leaving.add(old);
        await old.stop(Date.now() + grace, Date.now());
        this.leaving.delete(old);
      }
      return { ok: true };
    }
    if (fresh.state === 'ready') {
      // Ready, but the instance is no longer the old child's to hand over (given up, stopping).
      await fresh.stop(Date.now() + grace, Date.now());
      return { ok: false, reason: this.halted ? 'crew is stopping' : this.notRunning() };
    }
    this.deps.log.warn(`${this.tag}: the replacement did not become ready; keeping the running child`, { child: this.tag });
    const info = fresh.state === 'exited' ? await fresh.exited : await fresh.stop(Date.now(), Date.now());
    return { ok: false, reason: `the replacement ${describeFailure(info)}; the running child was kept` };
  }

  /**
   * The current child first: it is stopped gracefully by `deadline`, then a new one starts, so
   * two copies never overlap. A new child that fails to start is a crash like any other.
   */
  async replaceStoppingFirst(reason: string, deadline: number, level: 'info' | 'warn'): Promise<Replacement> {
    const old = this.current;
    if (!old || old.state === 'exited') return { ok: false, reason: this.notRunning() };
    this.deps.log[level](`${this.tag} restarting: ${reason}`, { child: this.tag, reason });
    await old.stop(deadline, Date.now());
    if (this.halted) return { ok: false, reason: 'crew is stopping' };
    if (this.current !== undefined || this.failed || this.backoffTimer) return { ok: false, reason: this.notRunning() };
    this.start();
    const fresh = this.current as Child | undefined;
    if (!fresh) return { ok: false, reason: this.notRunning() };
    await fresh.settled();
    if (fresh.state === 'ready') return { ok: true };
    return { ok: false, reason: `the new child ${describeFailure(await fresh.exited)}` };
  }

  private notRunning(): string {
    if (this.failed) return 'its component was given up';
    if (this.backoffTimer) return 'it is not running (waiting to restart after a crash)';
    if (this.current?.state === 'starting') return 'it is still starting';
    if (this.current?.state === 'stopping') return 'it is stopping';
    return 'it is not running';
  }

  private cancelBackoff(): void {
    clearTimeout(this.backoffTimer);
    this.backoffTimer = undefined;
  }

  private fork(): Child {
    const { owner, policy, log, output, formatter } = this.deps;
    return new Child({
      tag: this.tag,
      spec: owner.spec(this),
      readyTimeout: policy.readyTimeout,
      log,
      output,
      formatter,
      events: {
        onQueueMessage: (child, body) => owner.onQueueMessage(child, body),
        onExit: (child, info) => this.onExit(child, info),
      },
    });
  }

  private onExit(child: Child, info: ExitInfo): void {
    this.deps.owner.onChildExit(child, info);
    if (child !== this.current) return;
    this.current = undefined;
    this.last = info;
    this.lastSample = undefined;
    if (!info.requested) this.deps.owner.onCrash(this, info);
  }
}

function describeFailure(info: ExitInfo): string {
  if (info.requested) return 'was stopped before it became ready';
  if (info.fatal) return `could not start: ${info.fatal}`;
  if (info.reason) return `was ${info.reason}`;
  return `exited with ${info.signal ? `signal ${info.signal}` : `code ${info.code}`} before it became ready`;
}
