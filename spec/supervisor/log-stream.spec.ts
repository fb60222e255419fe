// The aggregated stream through the real CLI: tags and fields in json and pretty, JSON child
// lines keeping their fields, stderr stack traces as one record, the partial last line, and
// crew's own records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCrew } from '../helpers/crew-process.js';
import { fixtureApp } from '../helpers/paths.js';
import { tempConfig } from '../helpers/temp-dir.js';

test('json: every record is tagged; child JSON keeps its fields; stderr is level error; a stack stays one record', async (t) => {
  const crew = runCrew(t, ['start', '--component', 'chatty', '--app', fixtureApp('components'), '--config', tempConfig(t, '')]);
  await crew.waitFor((r) => /chatty\.1 ready/.test(r.message), 'chatty ready');
  const hello = await crew.waitFor((r) => r.message === 'hello from chatty', 'logger line');
  assert.equal(hello.component, 'chatty');
  assert.equal(hello.instance, 1);
  assert.equal(hello.level, 'info');
  assert.equal(hello.answer, 42);
  assert.equal(typeof hello.pid, 'number');
  assert.ok(!Number.isNaN(Date.parse(hello.timestamp)), 'timestamp is ISO 8601');

  const failed = await crew.waitFor((r) => r.component === 'chatty' && /it failed/.test(r.message), 'logged error');
  assert.equal(failed.level, 'error');
  assert.match(JSON.stringify(failed), /kaput/);

  const raw = await crew.waitFor((r) => r.message === 'raw json', 'raw JSON line');
  assert.equal(raw.custom, 'kept');
  assert.equal(raw.level, 'warn');
  assert.equal(raw.component, 'chatty');

  const stack = await crew.waitFor((r) => r.stream === 'stderr' && /plain stderr/.test(r.message), 'stderr stack');
  assert.equal(stack.level, 'error');
  assert.equal(stack.message, 'Error: plain stderr\n    at one (file.js:1:1)\n    at two (file.js:2:2)');

  crew.signal('SIGTERM');
  assert.equal((await crew.exited).code, 0);
  // The partial last line is flushed when the child's stream ends.
  const partial = crew.records.find((r) => r.message === 'no newline at the end');
  assert.ok(partial, 'partial last line delivered');
  assert.equal(partial.stream, 'stdout');
  // Every line of stdout is one JSON record with the required fields.
  for (const line of crew.lines.filter(Boolean)) {
    const record = JSON.parse(line) as Record<string, unknown>;
    for (const key of ['timestamp', 'level', 'message', 'component', 'instance', 'pid']) assert.ok(key in record, `${key} in ${line}`);
  }
  // crew's own records, including the partial line, precede "exited".
  const exitedAt = crew.records.findIndex((r) => r.component === 'crew' && /chatty\.1 exited/.test(r.message));
  assert.ok(exitedAt > crew.records.indexOf(partial));
});

test('pretty: HH:MM:SS.mmm, padded tag, " | ", no colour when not a terminal', async (t) => {
  const crew = runCrew(t, ['start', '--component', 'chatty', '--component', 'steady', '--app', fixtureApp('components'), '--config', tempConfig(t, ''), '--log-format', 'pretty'], { env: { FORCE_COLOR: undefined } });
  await crew.waitForLine((l) => l.includes('| hello from chatty'), 'hello line');
  await crew.waitForLine((l) => / crew +\| steady\.1 ready/.test(l), 'steady ready');
  crew.signal('SIGTERM');
  await crew.exited;
  const lines = crew.lines.filter(Boolean);
  const shape = /^\d{2}:\d{2}:\d{2}\.\d{3} (\S+)\s+\| /;
  for (const line of lines) assert.match(line, shape, line);
  const hello = lines.find((l) => l.includes('hello from chatty'));
  assert.ok(hello, 'hello line present');
  assert.match(hello, /^\d{2}:\d{2}:\d{2}\.\d{3} chatty\.1 \| hello from chatty/);
  const crewLine = lines.find((l) => / crew\s+\| /.test(l));
  assert.ok(crewLine, 'crew line present');
  // "crew" padded to the width of "chatty.1"/"steady.1".
  assert.match(crewLine, /^\d{2}:\d{2}:\d{2}\.\d{3} crew {5}\| /);
  assert.ok(!lines.some((l) => l.includes('\u001b[')), 'no ANSI colour without a terminal');
  // crew's own sentences stand alone in pretty; their fields are for json.
  assert.ok(!lines.some((l) => / crew +\| .*childPid=/.test(l)), 'no field dump after crew sentences');
  assert.ok(hello.includes('answer=42'), 'a child record keeps its fields in pretty');
});

test('pretty with FORCE_COLOR colours the tag', async (t) => {
  const crew = runCrew(t, ['start', '--component', 'steady', '--app', fixtureApp('components'), '--config', tempConfig(t, ''), '--log-format', 'pretty'], { env: { FORCE_COLOR: '1' } });
  await crew.waitForLine((l) => /steady\.1.*ready/.test(l), 'ready line');
  crew.signal('SIGTERM');
  await crew.exited;
  assert.ok(crew.lines.some((l) => l.includes('\u001b[')), 'ANSI colour with FORCE_COLOR');
});
