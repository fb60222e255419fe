// Killing a child kills its whole tree, and no process crew started — nor any descendant of one
// — outlives crew: after a clean SIGTERM, after a kill at the grace, and within 2 s of a
// SIGKILL of the primary itself.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { alive, runCrew, type CrewProcess } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { tempConfig } from '../helpers/temp-dir.js';
import { stillAliveAfter } from '../helpers/processes.js';

async function withGrandchild(t: TestContext, component: string, grace: string): Promise<{ crew: CrewProcess; child: number; grandchild: number }> {
  const crew = runCrew(t, ['start', '--component', component, '--app', fixtureApp('lifecycle'), '--config', tempConfig(t, ''), '--grace', grace]);
  const spawned = await crew.waitFor((r) => r.message === 'spawned a grandchild', 'the grandchild spawned');
  await crew.waitFor((r) => r.component === 'crew' && / ready in /.test(r.message), 'ready');
  const grandchild = spawned.grandchild as number;
  t.after(() => {
    try {
      process.kill(grandchild, 'SIGKILL');
    } catch {
      // Gone, as it should be.
    }
  });
  assert.ok(alive(grandchild));
  return { crew, child: spawned.pid, grandchild };
}

test('a clean SIGTERM ends what a component spawned and left running; exit 0', async (t) => {
  const { crew, grandchild } = await withGrandchild(t, 'spawner', '8s');
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
  assert.equal(alive(grandchild), false, 'no grandchild left');
});

test('a kill at the grace kills the child and its whole tree', async (t) => {
  const { crew, child, grandchild } = await withGrandchild(t, 'stuck-spawner', '800ms');
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 1);
  assert.ok(crew.records.some((r) => /^stuck-spawner\.1 still running at the end of the grace: killing it/.test(r.message)));
  assert.deepEqual([child, grandchild].filter(alive), [], 'neither the child nor its grandchild is left');
});

test('within 2 s of kill -9 of the primary, no child and no grandchild is left', async (t) => {
  const { crew, child, grandchild } = await withGrandchild(t, 'spawner', '8s');
  crew.process.kill('SIGKILL');
  await once(crew.process, 'exit');
  assert.deepEqual(await stillAliveAfter([child, grandchild], 2000), [], 'no orphans after 2 s');
});
