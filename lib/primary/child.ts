// One child process, from fork to exit: the state of that one process, and nothing else (which
// instance it serves, and whether it is the one status shows, is its ChildSlot's business). It
// is responsible for:
// - forking it with its spec (./fork-child.ts) and relaying its stdout/stderr into the log;
// - what it says over IPC: ready (within `readyTimeout`, else it is killed as a failed start),
//   heartbeats, quiet, a fatal start error, queue messages (for the owner);
// - stopping it by a deadline and killing its whole process tree at that deadline, or killing
//   it at once: as asked (a requested exit) or for not answering (a crash);
// - one ExitInfo when it is gone, after its last output was relayed.
import { createRequire } from 'node:module';
import type { ChildSpec } from '../protocol/child-spec.js';
import { message, type PrimaryMessage, type QueueBody } from '../protocol/messages.js';
import { relayChild, type CrewLogger, type Formatter, type Output } from '../log/index.js';
import { newRecordMark } from '../log/own-record-mark.js';
import { killTree } from '../util/process-tree.js';
import { settlesWithin } from '../util/with-timeout.js';
import type { ChildChannel } from './child-channel.js';
import { forkChild } from './fork-child.js';

export type ChildState = 'starting' | 'ready' | 'stopping' | 'exited';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** ms the child was up. */
  uptime: number;
  /** The exit was asked for (a stop, or a kill crew chose), not a crash. */
  requested: boolean;
  /** The child had to be killed at the end of its grace. */
  killedAtGrace: boolean;
  /** The child reported a failure a restart cannot mend. */
  fatal?: string;
  /** Why crew killed it (ready timeout, watchdog), when it did. */
  reason?: string;
  at: number;
}

/** What the child's owner hears; readiness and quiet are awaited instead (settled(), quieted()). */
export interface ChildEvents {
  onQueueMessage(child: Child, body: QueueBody): void;
  onExit(child: Child, info: ExitInfo): void;
}

export interface ChildOptions {
  tag: string;
  spec: Omit<ChildSpec, 'recordMark'>;
  readyTimeout: number;
  events: ChildEvents;
  log: CrewLogger;
  output: Output;
  formatter: Formatter;
}

/** A child that exited keeps its pipes open only while something it spawned holds them. */
const RELAY_WAIT_AFTER_EXIT_MS = 1000;

const load = createRequire(import.meta.url);

export class Child {
  readonly tag: string;
  readonly pid: number;
  readonly startedAt = Date.now();
  /** Resolves once the process has exited and its output was relayed. */
  readonly exited: Promise<ExitInfo>;
  private current: ChildState = 'starting';
  private beat = this.startedAt;
  private saidQuiet = false;
  private requested = false;
  private killedAtGrace = false;
  private fatal: string | undefined;
  private degradedReason: string | undefined;
  private killReason: string | undefined;
  private readyTimer: NodeJS.Timeout | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private readonly channel: ChildChannel;
  private readonly settleWaiters: Array<() => void> = [];
  private readonly quietWaiters: Array<() => void> = [];

  constructor(private readonly options: ChildOptions) {
    const { tag, spec, log, output, formatter, events } = options;
    this.tag = tag;
    const recordMark = newRecordMark();
    this.channel = forkChild({ ...spec, recordMark });
    const proc = this.channel.worker.process;
    this.pid = this.channel.pid;
    const relayed = relayChild({
      stdout: proc.stdout,
      stderr: proc.stderr,
      tags: { component: spec.component, instance: spec.instance, pid: this.pid },
      formatter,
      output,
      recordMark,
    });
    log.info(`${tag} started (pid ${this.pid})`, { child: tag, childPid: this.pid });

    this.readyTimer = setTimeout(() => {
      if (this.current !== 'starting') return;
      const reason = `not ready within ${options.readyTimeout} ms`;
      log.error(`${tag} was ${reason}: killing it (a failed start)`, { child: tag, childPid: this.pid });
      this.killUnresponsive(reason);
    }, options.readyTimeout);

    this.channel.handle(
      {
        ready: () => {
          if (this.current !== 'starting') return;
          clearTimeout(this.readyTimer);
          this.current = 'ready';
          const ms = Date.now() - this.startedAt;
          log.info(`${tag} ready in ${ms} ms`, { child: tag, childPid: this.pid, ms });
          this.settle();
        },
        heartbeat: () => {
          this.beat = Date.now();
        },
        quiet: () => this.becomeQuiet(),
        fatal: (msg) => {
          this.fatal = msg.message;
        },
        degraded: (msg) => {
          this.degradedReason = msg.reason;
        },
        queue: (msg) => events.onQueueMessage(this, msg.body),
      },
      (why) => log.warn(`${tag}: refused a message from the child: ${why}`, { child: tag, childPid: this.pid }),
    );
    this.channel.worker.on('error', (error: Error) => {
      log.warn(`${tag}: IPC error: ${error.message}`, { child: tag, childPid: this.pid });
    });
    this.exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        void this.afterExit(relayed, code, signal).then(resolve);
      });
    });
  }

  get state(): ChildState {
    return this.current;
  }

  /** The process has not exited yet (or its exit is not yet reported). */
  get alive(): boolean {
    return this.current !== 'exited';
  }

  /** When the child last showed a live event loop (its start counts as one). */
  get lastBeat(): number {
    return this.beat;
  }

  /** Why it says a dependency is lost (its Redis), while it says so; gone with the process. */
  get degraded(): string | undefined {
    return this.current === 'exited' ? undefined : this.degradedReason;
  }

  /** It has said it takes no new work, or it is gone. */
  get quiet(): boolean {
    return this.saidQuiet || this.current === 'exited';
  }

  send(msg: PrimaryMessage): void {
    this.channel.send(msg);
  }

  /**
   * Asks the child to take no new work from `quietAt` and to finish by `deadline` (epoch ms),
   * then kills its tree at the deadline. A child that does not listen yet has run no user code:
   * SIGTERM is enough. Resolves when it has exited. Safe to call twice: the first deadline holds.
   */
  stop(deadline: number, quietAt: number): Promise<ExitInfo> {
    if (this.current === 'exited' || this.requested) return this.exited;
    this.requested = true;
    this.current = 'stopping';
    this.settle();
    if (this.channel.isListening && this.channel.connected) this.send(message('stop', { deadline, quietAt }));
    else this.channel.worker.process.kill('SIGTERM');
    this.killTimer = setTimeout(() => {
      this.killedAtGrace = true;
      this.options.log.warn(`${this.tag} still running at the end of the grace: killing it`, { child: this.tag, childPid: this.pid });
      killTree(this.pid, true, load);
    }, Math.max(0, deadline - Date.now()));
    return this.exited;
  }

  /** Kills the child's tree now, as asked: a requested exit, not a crash. */
  kill(): Promise<ExitInfo> {
    if (this.current !== 'exited') {
      this.requested = true;
      killTree(this.pid, true, load);
    }
    return this.exited;
  }

  /** Kills the child's tree now because it does not answer (ready timeout, watchdog): a crash. */
  killUnresponsive(reason: string): Promise<ExitInfo> {
    if (this.current !== 'exited') {
      this.killReason ??= reason;
      killTree(this.pid, true, load);
    }
    return this.exited;
  }

  /** Resolves once the child is ready, stopping or gone: the point where a replacement may move on. */
  settled(): Promise<void> {
    if (this.current !== 'starting') return Promise.resolve();
    return new Promise((resolve) => this.settleWaiters.push(resolve));
  }

  /** Resolves once the child takes no new work (it said `quiet`) or is gone. */
  quieted(): Promise<void> {
    if (this.quiet) return Promise.resolve();
    return new Promise((resolve) => this.quietWaiters.push(resolve));
  }

  private becomeQuiet(): void {
    this.saidQuiet = true;
    for (const resolve of this.quietWaiters.splice(0)) resolve();
  }

  private settle(): void {
    for (const resolve of this.settleWaiters.splice(0)) resolve();
  }

  private async afterExit(relayed: Promise<void>, code: number | null, signal: NodeJS.Signals | null): Promise<ExitInfo> {
    clearTimeout(this.readyTimer);
    clearTimeout(this.killTimer);
    // The child's last lines belong before the record of its exit.
    await settlesWithin(relayed, RELAY_WAIT_AFTER_EXIT_MS);
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
    this.current = 'exited';
    const how = signal ? `signal ${signal}` : `code ${code}`;
    const level = info.requested && !info.killedAtGrace && (code === 0 || code === null) ? 'info' : 'warn';
    this.options.log[level](`${this.tag} exited with ${how} after ${info.uptime} ms${info.requested ? '' : ' (unexpected)'}`, {
      child: this.tag,
      childPid: this.pid,
      code,
      signal,
    });
    this.settle();
    this.becomeQuiet();
    this.options.events.onExit(this, info);
    return info;
  }
}
