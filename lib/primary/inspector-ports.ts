// Which inspector port each child gets when its Node options ask for a debugger (`--inspect`,
// `--inspect-brk`, `--inspect-wait`). Every child of a crew is a Node process of its own: on one
// port, the second would fail to listen and run without a debugger. This allocator promises:
// - no two live children hold the same port, also while a reload runs the new child next to
//   the old one;
// - a child that replaces another (a restart, a reload) takes its port back when it is free,
//   so a debugger attached to `server.1` finds it again;
// - a port another process held when crew started is skipped (one taken later makes Node say,
//   in that child's output, that its inspector could not listen);
// - port 0 stays 0: Node picks a free port for each child.
// The Supervisor is its only writer: `take` when it forks, `release` when the child has exited.
import net from 'node:net';

export class InspectorPorts {
  /** Port -> the child (tag) that holds it. */
  private readonly held = new Map<number, string>();
  /** Ports another process was found listening on. */
  private readonly foreign = new Set<number>();
  /** Each slot's last port, to take back. */
  private readonly last = new Map<string, number>();

  /** A port for the next child of `slot` (its tag), from `base` up. */
  take(slot: string, base: number): number {
    if (base === 0) return 0;
    const port = pickPort(base, this.last.get(slot), (p) => this.held.has(p) || this.foreign.has(p));
    this.held.set(port, slot);
    this.last.set(slot, port);
    return port;
  }

  /** The child that held `port` is gone. */
  release(port: number | undefined): void {
    if (port !== undefined && port !== 0) this.held.delete(port);
  }

  /**
   * Before the first fork: from `base` up, finds `count` ports free on `host` and marks those
   * in use as foreign. Returns false when it found fewer within `span` ports.
   */
  async probe(host: string, base: number, count: number, span = 100): Promise<boolean> {
    if (base === 0) return true;
    let free = 0;
    for (let port = base; port <= Math.min(65535, base + span) && free < count; port++) {
      if (this.held.has(port) || this.foreign.has(port)) continue;
      if (await listenable(host, port)) free++;
      else this.foreign.add(port);
    }
    return free >= count;
  }
}

/** `preferred` when it is not busy, else the lowest port from `base` up that is not. */
export function pickPort(base: number, preferred: number | undefined, busy: (port: number) => boolean): number {
  if (preferred !== undefined && !busy(preferred)) return preferred;
  for (let port = base; port <= 65535; port++) if (!busy(port)) return port;
  // Every port from base up is taken: wrap below it, past the privileged ones, as Node's cluster does.
  for (let port = 1024; port < base; port++) if (!busy(port)) return port;
  return base;
}

/** Whether a server can listen on host:port now. */
function listenable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
