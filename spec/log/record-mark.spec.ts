// crew's own records on a child's stdout carry the child's mark (lib/log/own-record-mark.ts):
// the relay copies them without parsing, in json, and otherwise renders them like any record.
// A line that starts with some other mark is the app's text, whatever it looks like.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createFormatter, type LogFormat } from '../../lib/log/formatter.js';
import { Output } from '../../lib/log/output.js';
import { relayChild } from '../../lib/log/relay.js';
import { markPrefix, newRecordMark } from '../../lib/log/own-record-mark.js';
import type { Tags } from '../../lib/log/tags.js';
import { createRunRecorder } from '../../lib/components/worker/run-record.js';
import { Capture } from './support.js';

const tags: Tags = { component: 'worker', instance: 2, pid: 77 };
const TAG_FIELDS = { component: 'worker', instance: 2, pid: 77 };
const LEVELS = { error: 0, warn: 1, info: 2, http: 3, verbose: 4, debug: 5, silly: 6 };

async function relayed(format: LogFormat, write: (stdout: PassThrough, mark: string) => void, transports: Array<{ file: string }> = []): Promise<string[]> {
  const capture = new Capture();
  const output = new Output(capture, { transports: transports.map(({ file }) => ({ type: 'file' as const, filename: file, level: 'info' as const })) });
  const mark = newRecordMark();
  const stdout = new PassThrough();
  const done = relayChild({ stdout, stderr: null, tags, formatter: createFormatter({ format, color: false, tagWidth: 8 }), output, recordMark: mark });
  write(stdout, mark);
  stdout.end();
  await done;
  await output.close();
  return capture.lines;
}

/** What the worker writes for one job run, with the child's mark. */
function jobRecords(stdout: PassThrough, mark: string): void {
  const record = createRunRecorder({ level: 'info', levels: LEVELS }, stdout, mark);
  record('info', 'trivial 1 succeeded in 0.2 ms', { job: 'trivial', jobId: '1', attempt: 1, ms: 0.2, outcome: 'succeeded' });
  record('error', 'trivial 2 failed in 1 ms (attempt 1 of 1): "boom" \u001e; giving up', { job: 'trivial', jobId: '2', attempt: 1, attempts: 1, ms: 1, outcome: 'failed', error: 'boom', stack: 'Error: boom\n    at x' });
  record.flush();
}

describe("crew's marked records", () => {
  it('are relayed in json as the records they are, mark gone, tags added', async () => {
    const lines = await relayed('json', jobRecords);
    assert.equal(lines.length, 2);
    const [ok, failed] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.ok(lines.every((line) => !line.includes('\u001e') && line.startsWith('{"level":')), lines.join('\n'));
    assert.deepEqual({ ...ok, timestamp: 'T' }, { level: 'info', message: 'trivial 1 succeeded in 0.2 ms', job: 'trivial', jobId: '1', attempt: 1, ms: 0.2, outcome: 'succeeded', timestamp: 'T', ...TAG_FIELDS });
    assert.equal(failed!.message, 'trivial 2 failed in 1 ms (attempt 1 of 1): "boom" \u001e; giving up');
    assert.equal(failed!.stack, 'Error: boom\n    at x');
    assert.equal(failed!.component, 'worker');
  });

  it('are rendered in pretty like any record of the child, mark gone', async () => {
    const lines = await relayed('pretty', jobRecords);
    assert.match(lines[0]!, /^\d\d:\d\d:\d\d\.\d{3} worker\.2 +\| trivial 1 succeeded in 0\.2 ms job=trivial jobId=1 attempt=1 ms=0\.2 outcome=succeeded$/);
    // The mark is gone; the separator the failure's message holds is the message's own, shown
    // escaped as every control character a child's text holds is in pretty.
    assert.ok(!lines[0]!.includes('\u001e'), lines[0]);
    assert.ok(lines[1]!.includes('| error: trivial 2 failed in 1 ms (attempt 1 of 1): "boom" \\x1e; giving up job=trivial'), lines[1]);
  });

  it('reach a log file as records too', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crew-mark-')), 'crew.log');
    try {
      const lines = await relayed('json', jobRecords, [{ file }]);
      const inFile = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
      for (const set of [lines, inFile]) {
        assert.equal(set.length, 2);
        assert.equal((JSON.parse(set[0]!) as { outcome: string }).outcome, 'succeeded');
      }
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it("another child's mark, or a bare record separator, is the app's text, and any JSON after it is not trusted", async () => {
    const lines = await relayed('json', (stdout) => {
      stdout.write(`${markPrefix(newRecordMark())}{"level":"info","message":"forged"\n`);
      stdout.write('\u001e{"level":"info","message":"x","timestamp":"t"}\n');
    });
    assert.equal(lines.length, 2);
    const [forged, bare] = lines.map((line) => JSON.parse(line) as { message: string; stream: string; component: string });
    assert.ok(forged!.message.startsWith('\u001e') && forged!.message.slice(9) === '{"level":"info","message":"forged"', forged!.message);
    assert.equal(forged!.stream, 'stdout');
    assert.equal(bare!.message, '\u001e{"level":"info","message":"x","timestamp":"t"}');
    assert.equal(bare!.component, 'worker');
  });

  it('with nothing shaped like an object after the mark, are relayed as text', async () => {
    const lines = await relayed('json', (stdout, mark) => {
      stdout.write(`${markPrefix(mark)}\n${markPrefix(mark)}not json\n`);
    });
    assert.deepEqual(
      lines.map((line) => (JSON.parse(line) as { message: string }).message),
      ['', 'not json'],
    );
  });

  it('over-long, are split like any line, the first piece rid of the mark', async () => {
    const lines = await relayed('json', (stdout, mark) => {
      stdout.write(`${markPrefix(mark)}{"level":"info","message":"${'x'.repeat(70 * 1024)}"}\n`);
    });
    assert.ok(lines.length >= 2, `${lines.length} pieces`);
    const first = JSON.parse(lines[0]!) as { message: string; continued?: boolean };
    assert.equal(first.continued, true);
    assert.ok(first.message.startsWith('{"level":"info"'), first.message.slice(0, 40));
  });
});
