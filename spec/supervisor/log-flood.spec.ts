// Four children each write 100k lines as fast as they can: every line reaches crew's stdout
// exactly once, whole, in per-child order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCrew } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { tempConfig } from '../helpers/temp-dir.js';

const LINES = 100_000;
const CHILDREN = 4;

for (const format of ['json', 'pretty'] as const) {
  test(`flood (${format}): ${CHILDREN} children × ${LINES} lines, none lost, split, merged or reordered`, async (t) => {
    const crew = runCrew(t, ['start', '--component', `flood=${CHILDREN}`, '--app', fixtureApp('components'), '--config', tempConfig(t, ''), '--log-format', format], { env: { FLOOD_LINES: String(LINES) }, raw: true });
    const done = (instance: number) => (line: string) => line.endsWith(`flood ${instance} done`) || line.includes(`"message":"flood ${instance} done"`);
    for (let i = 1; i <= CHILDREN; i += 1) await crew.waitForLine(done(i), `flood ${i} done`, 60_000);
    crew.signal('SIGTERM');
    await crew.exited;

    const next = new Map<number, number>();
    const pad = 'x'.repeat(60);
    let floodLines = 0;
    for (const line of crew.lines) {
      const text = format === 'json' ? messageOf(line) : line.slice(line.indexOf(' | ') + 3);
      const match = /^flood (\d) (\d+) (x+)$/.exec(text);
      if (!match) {
        assert.doesNotMatch(text, /flood \d \d/, `a mangled flood line: ${line.slice(0, 200)}`);
        continue;
      }
      floodLines += 1;
      const instance = Number(match[1]);
      const n = Number(match[2]);
      assert.equal(match[3], pad, `line ${instance}/${n} whole`);
      assert.equal(n, next.get(instance) ?? 0, `child ${instance}: line ${n} in order, once`);
      next.set(instance, n + 1);
      if (format === 'pretty') assert.match(line, new RegExp(`^\\d{2}:\\d{2}:\\d{2}\\.\\d{3} flood\\.${instance} \\| `));
    }
    assert.equal(floodLines, LINES * CHILDREN);
    for (let i = 1; i <= CHILDREN; i += 1) assert.equal(next.get(i), LINES);
  });
}

function messageOf(line: string): string {
  if (!line.startsWith('{')) return line;
  const record = JSON.parse(line) as { message?: unknown; component?: string; instance?: number };
  if (record.component === 'flood') {
    const text = String(record.message);
    if (text.startsWith('flood ')) assert.equal(text.split(' ')[1], String(record.instance), 'tag matches the writer');
    return text;
  }
  return '';
}
