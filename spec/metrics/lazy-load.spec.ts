// prom-client is the primary's, loaded at its first scrape: neither a child's bundle nor what
// `crew start` loads to run reaches it by a static import, so metrics switched off (or a child
// with them on) never pays for loading it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const bin = path.join(repoRoot, 'dist', 'bin');
/** prom-client's Registry names its content type with this constant. */
const PROM_CLIENT = 'PROMETHEUS_CONTENT_TYPE';

/** Every file an entry loads through static imports (dynamic `import()` chunks are left out). */
function staticGraph(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = fs.readFileSync(path.join(bin, file), 'utf8');
    for (const match of text.matchAll(/(?:^|;|\n)\s*(?:import|export)\s*(?:[^'";]*?\sfrom\s*)?["'](\.\/[^"']+)["']/g)) visit(path.normalize(match[1]!));
  };
  visit(entry);
  return [...seen];
}

test("prom-client is in no file a child or the primary loads before a scrape, and in the chunk a scrape loads", () => {
  const withProm = fs.readdirSync(bin).filter((file) => file.endsWith('.js') && fs.readFileSync(path.join(bin, file), 'utf8').includes(PROM_CLIENT));
  assert.ok(withProm.length > 0, 'the bundle holds prom-client somewhere (else this check could not fail)');
  for (const entry of ['main.js', 'crew.js']) {
    const graph = staticGraph(entry);
    assert.ok(graph.length > 1, `${entry} imports chunks`);
    assert.deepEqual(graph.filter((file) => withProm.includes(file)), [], `${entry} reaches prom-client statically`);
  }
});
