// The shared dialer of the operating commands (status, restart, reload, stop, health): one
// request to the running crew of this project (found from any folder below it) over its control
// socket. Not finding one, or its refusal, is a CommandError (exit 1) with the sentence the
// socket gave.
import { callControl } from '../lib/control/client.js';
import { findControlSocket } from '../lib/control/socket-path.js';
import { CommandError } from '../lib/util/command-error.js';

/** restart and reload answer once the replacements are ready: allow for a grace and a start. */
const ANSWER_TIMEOUT_MS = 120_000;

/** `timeoutMs`: how long to wait for the answer (a probe such as `crew health` waits less). */
export async function askCrew<T>(verb: string, args?: unknown, timeoutMs = ANSWER_TIMEOUT_MS): Promise<T> {
  try {
    return (await callControl(findControlSocket(process.cwd(), process.env), verb, args, timeoutMs)) as T;
  } catch (error) {
    throw new CommandError((error as Error).message, { cause: error });
  }
}
