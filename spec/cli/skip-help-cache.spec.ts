// yargs renders a command's help before running its handler unless told otherwise; `crew start`
// tells it not to (cli/skip-help-cache.ts) through yargs' internals. If a yargs release changes
// them, the skip becomes a no-op: this spec says so, and the real `--help` still works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import yargs from 'yargs';
import { skipHelpCache } from '../../cli/skip-help-cache.js';

interface UsageProbe {
  hasCachedHelpMessage(): boolean;
}

async function helpCachedAfterHandler(skip: boolean): Promise<boolean> {
  let usage: UsageProbe | undefined;
  await yargs(['go', '--flag'])
    .command(
      'go',
      'a command',
      (y) => {
        usage = (y as unknown as { getInternalMethods(): { getUsageInstance(): UsageProbe } }).getInternalMethods().getUsageInstance();
        return (skip ? skipHelpCache(y) : y).option('flag', { type: 'boolean', describe: 'a flag' });
      },
      () => undefined,
    )
    .exitProcess(false)
    .parseAsync();
  assert.ok(usage, 'the builder ran');
  return usage.hasCachedHelpMessage();
}

test('yargs renders a command\'s help before its handler, and skipHelpCache stops it', async () => {
  assert.equal(await helpCachedAfterHandler(false), true, 'yargs still caches help ahead of a handler (else the skip is not needed)');
  assert.equal(await helpCachedAfterHandler(true), false);
});
