// The primary's end of one child's IPC channel: the only road a message takes to or from a
// child. It promises:
// - a message sent before the child listens is held, not lost: the child says `waiting` once
//   its listener is in place, and everything held goes then, in order;
// - what arrives is parsed with the protocol's verb table (lib/protocol/messages.ts) and handed
//   to the owner's handler for that verb; anything of ours that is malformed is refused with a
//   record, never trusted; anything not ours (cluster's traffic, a user's process.send) is ignored;
// - nothing is sent to a child whose channel is closed.
// The owner changes once: a child forked ahead (./fork-child.ts) has no slot yet, and the slot
// that takes it installs its handlers.
import type { Worker } from 'node:cluster';
import { parseChildMessage, type ChildMessage, type Handlers, type PrimaryMessage } from '../protocol/messages.js';

export class ChildChannel {
  private listening = false;
  private held: PrimaryMessage[] = [];
  private handlers: Partial<Handlers<ChildMessage>> = {};
  private onRefused: (why: string) => void = () => undefined;

  constructor(readonly worker: Worker) {
    worker.on('message', (raw: unknown) => this.receive(raw));
  }

  get pid(): number {
    return this.worker.process.pid ?? 0;
  }

  /** The child said `waiting`: messages go to it directly now. */
  get isListening(): boolean {
    return this.listening;
  }

  get connected(): boolean {
    return this.worker.isConnected();
  }

  /** The owner's handlers (the `waiting` bookkeeping is the channel's own and runs first). */
  handle(handlers: Partial<Handlers<ChildMessage>>, onRefused: (why: string) => void): void {
    this.handlers = handlers;
    this.onRefused = onRefused;
  }

  send(msg: PrimaryMessage): void {
    if (!this.worker.isConnected()) return;
    if (this.listening) this.worker.send(msg);
    else this.held.push(msg);
  }

  private receive(raw: unknown): void {
    const parsed = parseChildMessage(raw);
    if (parsed === undefined) return;
    if (!parsed.ok) {
      this.onRefused(parsed.why);
      return;
    }
    const msg = parsed.message;
    if (msg.act === 'waiting' && !this.listening) {
      this.listening = true;
      for (const held of this.held.splice(0)) this.send(held);
    }
    (this.handlers[msg.act] as ((m: ChildMessage) => void) | undefined)?.(msg);
  }
}
