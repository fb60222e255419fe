// Which components run, purely: flags, --all, config start.components, instance counts, and the
// refusals for what the app does not define.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { likelyFirstComponent, planComponents, type Selection } from '../../lib/primary/plan.js';
import { defaultConfig } from '../../lib/config/schema.js';
import type { AppDefinition } from '../../lib/app/types.js';

const full: AppDefinition = { jobs: { email: () => undefined }, schedules: { tick: { cron: '* * * * *', run: () => undefined } }, components: { mailer: { start: () => undefined } } };
const bare: AppDefinition = {};
const names = (plan: ReturnType<typeof planComponents>) => plan.components.map((c) => `${c.component}×${c.instances}`);

test('--all runs every component the app defines and names what it skipped', () => {
  assert.deepEqual(names(planComponents({ all: true }, defaultConfig(), full, 4)), ['server×1', 'worker×1', 'scheduler×1', 'mailer×1']);
  const plan = planComponents({ all: true }, defaultConfig(), bare, 4);
  assert.deepEqual(names(plan), ['server×1']);
  assert.deepEqual(plan.skipped.map((s) => s.component), ['worker', 'scheduler']);
});

test('counts come from flags, else config; max is the CPU count; the scheduler is always one', () => {
  const config = defaultConfig();
  config.worker.instances = 3;
  assert.deepEqual(names(planComponents({ server: 'max', worker: true, scheduler: true, components: [{ name: 'mailer', instances: 2 }] }, config, full, 4)), ['server×4', 'worker×3', 'scheduler×1', 'mailer×2']);
});

test('no component flag runs config start.components', () => {
  const config = defaultConfig();
  assert.deepEqual(names(planComponents({}, config, full, 2)), ['server×1']);
  config.start.components = ['worker', 'mailer'];
  assert.deepEqual(names(planComponents({}, config, full, 2)), ['worker×1', 'mailer×1']);
});

test('asking for what the app does not define is refused, naming the flag', () => {
  assert.throws(() => planComponents({ worker: true }, defaultConfig(), bare, 2), /--worker: the app defines no jobs/);
  assert.throws(() => planComponents({ scheduler: true }, defaultConfig(), bare, 2), /--scheduler: neither the app nor the config defines schedules/);
  assert.throws(() => planComponents({ components: [{ name: 'nope' }] }, defaultConfig(), full, 2), /--component nope: the app defines no component "nope" \(it defines: mailer\)/);
  assert.throws(() => planComponents({ worker: true, queues: ['sms'] }, defaultConfig(), full, 2), /--queues: the app defines no job "sms"/);
});

test('the guess from flags alone names the component the plan puts first, for every combination of flags', () => {
  const servers: Selection['server'][] = [undefined, true, 2, 'max'];
  const workers: Selection['worker'][] = [undefined, true, 3];
  let checked = 0;
  for (const server of servers)
    for (const worker of workers)
      for (const scheduler of [false, true])
        for (const components of [[], [{ name: 'mailer' }]])
          for (const all of [false, true]) {
            const selection: Selection = { ...(server !== undefined ? { server } : {}), ...(worker !== undefined ? { worker } : {}), scheduler, components, all };
            const first = planComponents(selection, defaultConfig(), full, 2).components[0]?.component;
            const builtIn = first === 'server' || first === 'worker' || first === 'scheduler' ? first : undefined;
            assert.equal(likelyFirstComponent(selection), builtIn, JSON.stringify(selection));
            checked++;
          }
  assert.equal(checked, 96);
});
