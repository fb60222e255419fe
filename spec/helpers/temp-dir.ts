// Temporary folders for a test's config, removed when the test ends.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';

export function tempDir(t: TestContext, files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crew-spec-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** A config folder holding default.yaml (and more files when given). */
export function tempConfig(t: TestContext, defaultYaml: string, more: Record<string, string> = {}): string {
  return tempDir(t, { 'default.yaml': defaultYaml, ...more });
}
