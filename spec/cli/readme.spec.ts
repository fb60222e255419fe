// The README's command synopsis lists every flag `crew start --help` shows: a newcomer reads
// the synopsis first, and a flag missing there does not exist for them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCrewToEnd } from '../helpers/crew-process.js';
import { repoRoot } from '../helpers/paths.js';

test('every flag of crew start is in the README\'s command synopsis', async () => {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const commands = /## Commands\n+```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(commands, 'README has a "## Commands" section with a sh block');
  const synopsis = commands.split('\n').filter((line, i, lines) => line.startsWith('crew start') || (line.startsWith(' ') && lines.slice(0, i).reverse().find((l) => !l.startsWith(' '))?.startsWith('crew start'))).join(' ');
  const help = await runCrewToEnd(['start', '--help']);
  // Each option's line in the help: `      --watch   Reload the children…`; deprecated ones need no place.
  const options = [...help.stdout.matchAll(/^ +(--[a-z][a-z-]*) +(.*)$/gm)];
  const flags = options.filter(([, flag, text]) => !['--help', '--version'].includes(flag!) && !/^Deprecated/.test(text!)).map(([, flag]) => flag!);
  assert.ok(flags.length > 10, `flags found in the help: ${flags.join(' ')}`);
  const missing = flags.filter((flag) => !new RegExp(`\\[${flag}[\\] =|]`).test(synopsis));
  assert.deepEqual(missing, [], `missing from the README's crew start synopsis: ${missing.join(', ')}`);
});
