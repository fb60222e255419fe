// `crew --version` prints crew's own version, not that of the app whose folder it runs in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runCrewToEnd } from '../helpers/crew-process.js';
import { repoRoot } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

test('crew --version inside an app prints crew\'s version', async (t) => {
  const own = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const app = tempDir(t, { 'package.json': '{ "name": "my-app", "version": "9.9.9" }', 'src/.keep': '' });
  for (const cwd of [app, path.join(app, 'src')]) {
    const result = await runCrewToEnd(['--version'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${own}\n`);
  }
});
