// The process-tree walk and kill on real processes: a Node process that started a sleep and a
// shell with a sleep of its own is found whole and killed whole, parent and all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { alive } from '../helpers/crew-process.js';
import { descendantsOf, killTree, signalDescendants } from '../../lib/util/process-tree.js';
import { stillAliveAfter } from '../helpers/processes.js';

const load = createRequire(import.meta.url);

async function tree(): Promise<{ root: number; all: () => number[] }> {
  const source = "const { spawn } = require('node:child_process'); spawn('sleep', ['1000']); spawn('sh', ['-c', 'sleep 1001 & wait']); console.log('started'); setInterval(() => undefined, 1000);";
  const parent = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((resolve) => parent.stdout.once('data', resolve));
  const root = parent.pid!;
  // The shell's own sleep may take a moment to appear.
  while (descendantsOf(root, load).length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
  return { root, all: () => [root, ...descendantsOf(root, load)] };
}

test('descendantsOf finds children and grandchildren', async (t) => {
  const { root } = await tree();
  t.after(() => killTree(root, true, load));
  const found = descendantsOf(root, load);
  assert.equal(found.length, 3, `sleep, shell and its sleep under ${root}: ${found.join(', ')}`);
  assert.ok(found.every(alive));
  assert.deepEqual(descendantsOf(2 ** 22 + 7, load), [], 'no process, no descendants');
});

test('without the per-process children files, the walk of the whole process table finds the same tree', async (t) => {
  const { root } = await tree();
  t.after(() => killTree(root, true, load));
  const fs = load('node:fs') as typeof import('node:fs');
  const withoutChildFiles = (id: string) => (id === 'node:fs' ? { ...fs, existsSync: () => false } : load(id));
  assert.deepEqual(descendantsOf(root, withoutChildFiles).sort(), descendantsOf(root, load).sort());
});

test('killTree kills every descendant and, when asked, the root', async () => {
  const { root, all } = await tree();
  const pids = all();
  const killed = killTree(root, true, load);
  assert.equal(killed.length, 3);
  assert.deepEqual(await stillAliveAfter(pids, 2000), []);
});

test('signalDescendants leaves the root alone', async (t) => {
  const { root } = await tree();
  t.after(() => killTree(root, true, load));
  const below = descendantsOf(root, load);
  assert.equal(signalDescendants(root, 'SIGTERM', load), 3);
  assert.deepEqual(await stillAliveAfter(below, 2000), []);
  assert.ok(alive(root));
});
