// What `crew reload` and `crew restart` print: the children replaced (stdout), and each one that
// was not, with why (stderr, exit 1). A deploy script can trust exit 0: every replacement asked
// for became ready.
import { CommandError } from '../lib/util/command-error.js';

export interface ReplaceAnswer {
  done: string[];
  failed: Array<{ child: string; reason: string }>;
}

/** Reads the verb's answer defensively: a crew of another version may answer without `failed`. */
export function replaceAnswer(answer: unknown, doneKey: string): ReplaceAnswer {
  const body = (typeof answer === 'object' && answer !== null ? answer : {}) as Record<string, unknown>;
  const done = Array.isArray(body[doneKey]) ? (body[doneKey] as unknown[]).map(String) : [];
  const failed = Array.isArray(body.failed)
    ? (body.failed as unknown[]).map((entry) => {
        const item = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
        return { child: String(item.child ?? '?'), reason: String(item.reason ?? 'no reason given') };
      })
    : [];
  return { done, failed };
}

export function printReplacements(verb: 'reloaded' | 'restarted', answer: ReplaceAnswer): void {
  if (answer.done.length > 0) process.stdout.write(`${verb} ${answer.done.join(', ')}\n`);
  if (answer.failed.length === 0) return;
  const lines = answer.failed.map(({ child, reason }) => `${child} was not replaced: ${reason}`);
  throw new CommandError(lines.join('\ncrew: '));
}
