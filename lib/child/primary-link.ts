// A child's end of its IPC channel to the primary (the primary's is lib/primary/child-channel.ts).
// One listener, in place before the child says `waiting`, so nothing the primary sends is lost;
// each message is parsed with the protocol's verb table and handed to the handler for its verb;
// a malformed one of ours is reported on stderr and dropped. Sending checks the channel is up:
// with the primary gone there is nobody to tell.
import { message, parsePrimaryMessage, type ChildMessage, type Handlers, type PrimaryMessage } from '../protocol/messages.js';

export interface PrimaryLink {
  send(msg: ChildMessage): void;
  /** Sends, then calls `then` once the message has left (or at once, without a channel). */
  sendThen(msg: ChildMessage, then: () => void): void;
}

export function linkToPrimary(handlers: Handlers<PrimaryMessage>): PrimaryLink {
  if (!process.send) throw new Error("this module is crew's child entry: it is started by crew's primary, not by hand");
  process.on('message', (raw: unknown) => {
    const parsed = parsePrimaryMessage(raw);
    if (parsed === undefined) return;
    if (!parsed.ok) {
      process.stderr.write(`crew: refused a message from the primary: ${parsed.why}\n`);
      return;
    }
    (handlers[parsed.message.act] as (m: PrimaryMessage) => void)(parsed.message);
  });
  const link: PrimaryLink = {
    send(msg) {
      if (process.connected) process.send?.(msg);
    },
    sendThen(msg, then) {
      if (process.connected && process.send) process.send(msg, () => then());
      else then();
    },
  };
  link.send(message('waiting', {}));
  return link;
}
