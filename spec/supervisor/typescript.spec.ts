// crew and TypeScript: a TypeScript app under the compiled crew (its children get tsx), crew
// itself run from its sources as `npm run dev` does, and the child `crew start` forks ahead of
// reading its config, which must be the right kind of child for either, and must not outlive
// a refusal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { runCrew, runCrewToEnd } from '../helpers/crew-process.js';
import { fixtureApp, repoRoot } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { get } from '../helpers/http.js';
import { tempConfig, tempDir } from '../helpers/temp-dir.js';

const TYPESCRIPT_APP = `
interface Ctx { body: unknown; path: string }
const greeting: string = 'hello from typescript';
export default {
  server(app: { use(handler: (ctx: Ctx) => void): void }): void {
    app.use((ctx: Ctx) => { ctx.body = \`\${greeting} at \${ctx.path}\`; });
  },
};
`;

test('a TypeScript app runs under the compiled crew: its children load it through tsx', async (t) => {
  const dir = tempDir(t, { 'app.ts': TYPESCRIPT_APP });
  const port = await freePort();
  const crew = runCrew(t, ['start', '--server', '2', '--app', path.join(dir, 'app.ts'), '--port', String(port), '--config', tempConfig(t, '')]);
  await crew.waitForCount((r) => /^server\.\d ready/.test(r.message), 2, 'both servers ready');
  const reply = await get(`http://127.0.0.1:${port}/x`);
  assert.equal(reply.status, 200);
  assert.equal(reply.body, 'hello from typescript at /x');
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
});

test('a TypeScript app that does not parse exits 2 with file:line:column and the code, not esbuild\'s stack', async (t) => {
  const dir = tempDir(t, {
    'app.ts': "import { greeting } from './lib/greeting.js';\nexport default { server(app: { use(h: (ctx: { body: unknown }) => void): void }): void { app.use((ctx) => { ctx.body = greeting; }); } };\n",
    'lib/greeting.ts': "export const greeting: string = 'hi';\nexport const broken: number = (1 +;\n",
  });
  const result = await runCrewToEnd(['start', '--server', '--app', 'app.ts', '--config', tempConfig(t, '')], { cwd: dir });
  assert.equal(result.code, 2);
  assert.equal(result.stderr, 'crew: app module app.ts failed to load: SyntaxError: Unexpected ";" at lib/greeting.ts:2:35\n  export const broken: number = (1 +;\n                                    ^\n');
});

test('crew runs from its TypeScript sources (npm run dev), children included', async (t) => {
  const port = await freePort();
  const entry = ['--import', 'tsx', path.join(repoRoot, 'cli', 'crew.ts')];
  const crew = runCrew(t, ['start', '--server', '--app', fixtureApp('web'), '--port', String(port), '--config', tempConfig(t, '')], { entry });
  await crew.waitFor((r) => /^server\.1 ready/.test(r.message), 'server ready', 60_000);
  assert.equal((await get(`http://127.0.0.1:${port}/_ping`)).status, 200);
  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
});

/** Pids of live processes whose environment holds `mark` (Linux /proc). */
function processesMarked(mark: string): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/environ`, 'latin1').includes(mark) && !fs.readFileSync(`/proc/${name}/stat`, 'latin1').includes(') Z ')) found.push(Number(name));
    } catch {
      // The process ended while we looked, or is not ours to read: either way not a leftover.
    }
  }
  return found;
}

test('a refused start (bad config, exit 2) leaves no process behind, not even the child forked ahead', { skip: process.platform !== 'linux' && 'reads /proc' }, async (t) => {
  const mark = `CREW_SPEC_MARK=${randomUUID()}`;
  const [key, value] = mark.split('=') as [string, string];
  const config = tempConfig(t, 'server:\n  port: many\n');
  const result = await runCrewToEnd(['start', '--server', '--app', fixtureApp('web'), '--config', config], { env: { [key]: value } });
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /server\.port/);
  // The primary has exited; what it killed on the way out is gone at once, or reaped by init
  // within moments. Anything still alive after that would be a leak.
  const deadline = Date.now() + 2000;
  let left = processesMarked(mark);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setImmediate(resolve));
    left = processesMarked(mark);
  }
  assert.deepEqual(left, []);
});
