// One supervised instance of a component (`server.2`, say). It is responsible for:
// - forking the child and relaying its stdout/stderr into the log stream;
// - tracking readiness (`readyTimeout`), heartbeats and the last exit;
// - stopping it by a deadline (then SIGKILL) or killing it at once;
// - reporting every exit to its owner, which alone decides whether to restart.
// A stop that was asked for is told apart from a crash by `requested`, as cluster's
// exitedAfterDisconnect does.
import type { Worker } from 'node:cluster';
import type { SupervisorConfig } from '../config/types.js';
import type { ChildSpec } from '../protocol/child-spec.js';
import { message, parseChildMessage, type ChildMessage, type QueueBody } from '../protocol/messages.js';
import { relayChild, type Formatter, type Output, type CrewLogger } from '../log/index.js';
import { forkChild } from './fork-child.js';
import { newRecordMark } from '../log/own-record-mark.js';

export type SlotState = 'starting' | 'ready' | 'stopping' | 'backoff' | 'failed' | 'stopped';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** ms the child was up. */
  uptime: number;
  /** The exit was asked for (stop or kill), not a crash. */
  requested: boolean;
  /** The child had to be SIGKILLed at the grace. */
  killedAtGrace: boolean;
  /** The child reported a failure a restart cannot mend. */
  fatal?: string;
  /** Why crew killed it (ready timeout, watchdog), when it did. */
  reason?: string;
  at: number;
}

export interface SlotOwner {
  /** Who the slot's child is; the slot adds what is drawn anew for each process. */
  spec(slot: ChildSlot): Omit<ChildSpec, 'recordMark'>;
  onReady(slot: ChildSlot): void;
  onExit(slot: ChildSlot, info: ExitInfo): void;
  onQueueMessage(slot: ChildSlot, body: QueueBody): void;
}

export interface SlotDeps {
  owner: SlotOwner;
  policy: SupervisorConfig;
  log: CrewLogger;
  output: Output;
  formatter: Formatter;
}

/** A child that exited keeps its pipes open only while something it spawned holds them. */
const RELAY_WAIT_AFTER_EXIT_MS = 1000;

export class ChildSlot {
  state: SlotState = 'stopped';
  pid: number | undefined;
  restarts = 0;
  /** Consecutive quick failures, for the backoff exponent. */
  attempt = 0;
  startedAt = 0;
  readyAt: number | undefined;
  lastBeat = 0;
  lastExit: ExitInfo | undefined;
  rss: number | undefined;
  cpu: number | undefined;
  /** Why the running child is degraded (it said so: its Redis is lost), until it says it is back. */
  degraded: string | undefined;

  private worker: Worker | undefined;
  /** The child said `listening`; until then messages for it wait in `unsent`. */
  private listening = false;
  private unsent: unknown[] = [];
  private requested = false;
  private killedAtGrace = false;
  private fatal: string | undefined;
  private killReason: string | undefined;
  private readyTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private backoffTimer: NodeJS.Timeout | undefined;
  private exited: Promise<void> = Promise.resolve();
  private readonly settleWaiters: Array<() => void> = [];

  constructor(
    readonly component: string,
    readonly instance: number,
    private readonly deps: SlotDeps,
  ) {}

  get tag(): string {
    return `${this.component}.${this.instance}`;
  }

  get running(): boolean {
    return this.worker !== undefined;
  }

  start(): void {
    if (this.worker) return;
    clearTimeout(this.backoffTimer);
    const { owner, policy, log, output, formatter } = this.deps;
    this.requested = false;
    this.listening = false;
    this.unsent = [];
    this.killedAtGrace = false;
    this.fatal = undefined;
    this.degraded = undefined;
    this.killReason = undefined;
    this.readyAt = undefined;
    this.state = 'starting';
    this.startedAt = Date.now();
    this.lastBeat = this.startedAt;

    const recordMark = newRecordMark();
    const worker = forkChild({ ...owner.spec(this), recordMark });
    this.worker = worker;
    const pid = worker.process.pid ?? 0;
    this.pid = pid;
    const relayed = relayChild({
      stdout: worker.process.stdout,
      stderr: worker.process.stderr,
      tags: { component: this.component, instance: this.instance, pid },
      formatter,
      output,
      recordMark,
    });
    log.info(`${this.tag} started (pid ${pid})`, { child: this.tag, childPid: pid });

    this.readyTimer = setTimeout(() => {
      if (this.state !== 'starting') return;
      this.killReason = `not ready within ${policy.readyTimeout} ms`;
      log.error(`${this.tag} was ${this.killReason}: killing it (a failed start)`, { child: this.tag, childPid: pid });
      worker.process.kill('SIGKILL');
    }, policy.readyTimeout);

    worker.on('message', (raw: unknown) => {
      const msg = parseChildMessage(raw);
      if (msg) this.handlers[msg.act](msg as never);
    });
    worker.on('error', (error: Error) => {
      log.warn(`${this.tag}: IPC error: ${error.message}`, { child: this.tag, childPid: pid });
    });
    this.exited = new Promise((resolve) => {
      worker.process.once('exit', (code, signal) => {
        void this.afterExit(relayed, code, signal).then(resolve);
      });
    });
  }

  private readonly handlers: { [A in ChildMessage['act']]: (msg: Extract<ChildMessage, { act: A }>) => void } = {
    waiting: () => undefined, // fork-child's business
    listening: () => {
      this.listening = true;
      for (const msg of this.unsent.splice(0)) this.send(msg);
    },
    ready: () => {
      if (this.state !== 'starting') return;
      clearTimeout(this.readyTimer);
      this.state = 'ready';
      this.readyAt = Date.now();
      this.deps.log.info(`${this.tag} ready in ${this.readyAt - this.startedAt} ms`, { child: this.tag, childPid: this.pid, ms: this.readyAt - this.startedAt });
      this.deps.owner.onReady(this);
      this.settle();
    },
    heartbeat: () => {
      this.lastBeat = Date.now();
    },
    fatal: (msg) => {
      this.fatal = msg.message;
    },
    degraded: (msg) => {
      this.degraded = msg.reason;
    },
    queue: (msg) => this.deps.owner.onQueueMessage(this, msg.body),
  };

  private async afterExit(relayed: Promise<void>, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    clearTimeout(this.readyTimer);
    clearTimeout(this.killTimer);
    // The child's last lines belong before the record of its exit.
    let waitTimer: NodeJS.Timeout | undefined;
    await Promise.race([relayed, new Promise((resolve) => (waitTimer = setTimeout(resolve, RELAY_WAIT_AFTER_EXIT_MS)))]);
    clearTimeout(waitTimer);
    const at = Date.now();
    const info: ExitInfo = {
      code,
      signal,
      uptime: at - this.startedAt,
      requested: this.requested,
      killedAtGrace: this.killedAtGrace,
      at,
      ...(this.fatal ? { fatal: this.fatal } : {}),
      ...(this.killReason ? { reason: this.killReason } : {}),
    };
    this.worker = undefined;
    this.lastExit = info;
    this.rss = undefined;
    this.cpu = undefined;
    this.degraded = undefined;
    this.state = 'stopped';
    const how = signal ? `signal ${signal}` : `code ${code}`;
    const level = info.requested && !info.killedAtGrace && (code === 0 || code === null) ? 'info' : 'warn';
    this.deps.log[level](`${this.tag} exited with ${how} after ${info.uptime} ms${info.requested ? '' : ' (unexpected)'}`, {
      child: this.tag,
      childPid: this.pid,
      code,
      signal,
    });
    this.deps.owner.onExit(this, info);
    this.settle();
  }

  send(msg: unknown): void {
    if (!this.worker?.isConnected()) return;
    if (this.listening) this.worker.send(msg as never);
    else this.unsent.push(msg);
  }

  /** Waits `delay` ms in state `backoff`, then starts. */
  scheduleStart(delay: number): void {
    this.state = 'backoff';
    clearTimeout(this.backoffTimer);
    this.backoffTimer = setTimeout(() => this.start(), delay);
  }

  /** Asks the child to stop by `deadline`, then kills it. Resolves when it has exited. Safe to call twice. */
  stop(deadline: number): Promise<void> {
    if (!this.worker) {
      clearTimeout(this.backoffTimer);
      if (this.state === 'backoff') this.state = 'stopped';
      return this.exited;
    }
    if (this.requested) return this.exited;
    this.requested = true;
    this.state = 'stopping';
    const worker = this.worker;
    if (worker.isConnected()) this.send(message('stop', { deadline }));
    else worker.process.kill('SIGTERM');
    this.killTimer = setTimeout(() => {
      this.killedAtGrace = true;
      this.deps.log.warn(`${this.tag} still running at the end of the grace: killing it`, { child: this.tag, childPid: this.pid });
      worker.process.kill('SIGKILL');
    }, Math.max(0, deadline - Date.now()));
    return this.exited;
  }

  /** Kills the child now (as a requested exit unless `reason` says crew gave up on it). */
  kill(reason?: string): Promise<void> {
    clearTimeout(this.backoffTimer);
    if (!this.worker) return this.exited;
    if (reason) this.killReason = reason;
    else this.requested = true;
    this.worker.process.kill('SIGKILL');
    return this.exited;
  }

  /** Resolves once the current child is ready or has exited: the point where a reload may move on. */
  settled(): Promise<void> {
    if (this.state !== 'starting') return Promise.resolve();
    return new Promise((resolve) => this.settleWaiters.push(resolve));
  }

  private settle(): void {
    for (const resolve of this.settleWaiters.splice(0)) resolve();
  }

  markFailed(): void {
    clearTimeout(this.backoffTimer);
    this.state = 'failed';
  }
}
