// What a scenario written for the specs (spec/deploy/fleet-scenario.ts) asks of node:test's
// TestContext, for a benchmark that runs it outside the test runner: `after` hooks, run in
// reverse order by `cleanup`, and `skip`/`diagnostic`, which print.
import type { TestContext } from 'node:test';

export function benchContext(): { t: TestContext; cleanup(): Promise<void> } {
  const afters: Array<() => unknown> = [];
  const t = {
    after: (fn: () => unknown) => void afters.push(fn),
    skip: (why: string) => console.log(`skipped: ${why}`),
    diagnostic: (line: string) => console.log(line),
  } as unknown as TestContext;
  return {
    t,
    async cleanup() {
      for (const fn of afters.reverse()) {
        try {
          await fn();
        } catch (error) {
          // One failed cleanup must not keep the others from running: report it and go on.
          console.error(`bench: cleanup failed: ${(error as Error).message}`);
        }
      }
    },
  };
}
