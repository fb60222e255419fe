// Where a crew's control socket lives, found the same way by the running primary and by a
// command run later: a folder of the user's own under the temporary directory (mode 0700, so
// no other user can reach what is inside), and a name derived from the primary's working
// directory (the project's folder), so crews of different projects do not meet. A command looks
// there and in every folder above, nearest first, as git looks for its repository: it finds the
// crew from any folder below the one it was started in. CREW_CONTROL names the socket instead
// (two crews in one directory, tests).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CONTROL_VARIABLE = 'CREW_CONTROL';

/** The socket a primary started in `cwd` listens on. */
export function controlSocketPath(cwd: string, environ: NodeJS.ProcessEnv): string {
  const chosen = environ[CONTROL_VARIABLE];
  if (chosen) return path.resolve(cwd, chosen);
  return socketFor(realpathOr(cwd));
}

/**
 * The socket a command in `cwd` talks to: that of the nearest folder, `cwd` itself first, where
 * a socket file exists; else `cwd`'s own (connecting to it then says that no crew runs).
 */
export function findControlSocket(cwd: string, environ: NodeJS.ProcessEnv): string {
  if (environ[CONTROL_VARIABLE]) return controlSocketPath(cwd, environ);
  const start = realpathOr(cwd);
  for (let dir = start; ; ) {
    const candidate = socketFor(dir);
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return socketFor(start);
    dir = parent;
  }
}

function socketFor(realDir: string): string {
  const uid = process.getuid?.() ?? 0;
  const hash = createHash('sha256').update(realDir).digest('hex').slice(0, 16);
  return path.join(os.tmpdir(), `crew-${uid}`, `${hash}.sock`);
}

/**
 * Makes sure the socket's folder exists. crew's own folder (`isPrivate`) must be this user's
 * alone: one that belongs to someone else or is open to others is refused, as a socket there
 * could be another user's. A folder CREW_CONTROL chose is the user's business; the socket
 * itself is made 0600 either way.
 */
export function prepareSocketDir(socketPath: string, isPrivate: boolean): void {
  const dir = path.dirname(socketPath);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!isPrivate) return;
  const stat = fs.lstatSync(dir);
  const uid = process.getuid?.();
  if (!stat.isDirectory()) throw new Error(`${dir} is not a folder`);
  if (uid !== undefined && stat.uid !== uid) throw new Error(`${dir} belongs to another user (uid ${stat.uid})`);
  if ((stat.mode & 0o077) !== 0) throw new Error(`${dir} is open to other users (mode ${(stat.mode & 0o777).toString(8)}); make it 0700 with \`chmod 700 ${dir}\``);
}

// The same folder reached through a symlink is the same crew.
function realpathOr(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch (error) {
    // A folder that cannot be resolved (removed under us) still names a socket; commands
    // started there fail to find the crew with a clear message.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return path.resolve(dir);
    throw error;
  }
}
