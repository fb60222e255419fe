// The shared dialer of the operating commands (status, restart, reload, stop): one request to
// the running crew of this project (found from any folder below it) over its control socket.
// Not finding one, or its refusal, is a CommandError (exit 1) with the sentence the socket gave.
import { callControl } from '../lib/control/client.js';
import { findControlSocket } from '../lib/control/socket-path.js';
import { CommandError } from '../lib/util/command-error.js';

/** restart and reload answer once the replacements are ready: allow for a grace and a start. */
const ANSWER_TIMEOUT_MS = 120_000;

export async function askCrew<T>(verb: string, args?: unknown): Promise<T> {
  try {
    return (await callControl(findControlSocket(process.cwd(), process.env), verb, args, ANSWER_TIMEOUT_MS)) as T;
  } catch (error) {
    throw new CommandError((error as Error).message, { cause: error });
  }
}
