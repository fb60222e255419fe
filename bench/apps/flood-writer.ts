// The flood both sides of the log relay benchmark write: `total` numbered lines of 100 bytes
// ("flood 00000042 xxx…" plus "\n"; another length for a baseline whose lines are as long as
// crew's output), then the line "flood-end". Written in ~64 KiB chunks as fast as the pipe
// takes them: a chunk is written while write() accepts more, and the writer waits for 'drain'
// when it does not, so the reader's pace sets the writer's.
import type { Writable } from 'node:stream';

export const FLOOD_END = 'flood-end';
/** Characters of a flood line without its "\n". */
export const FLOOD_LINE_LENGTH = 99;
/** What comes before the padding: "flood 00000042 ". */
export const FLOOD_HEAD_LENGTH = 15;
const CHUNK_BYTES = 64 * 1024;
// Every so many chunks the writer yields to its event loop, so a child stays responsive
// (heartbeats, a stop request) even while the pipe never fills.
const CHUNKS_PER_TURN = 16;

/** The padding of a line of `length` characters. */
export function floodPad(length: number = FLOOD_LINE_LENGTH): string {
  return 'x'.repeat(length - FLOOD_HEAD_LENGTH);
}

export function floodLine(i: number, length: number = FLOOD_LINE_LENGTH): string {
  return `flood ${String(i).padStart(8, '0')} ${floodPad(length)}`;
}

export function writeFlood(out: Writable, total: number, length: number = FLOOD_LINE_LENGTH): Promise<void> {
  if (!Number.isInteger(length) || length < FLOOD_HEAD_LENGTH) throw new RangeError(`flood line length must be an integer of at least ${FLOOD_HEAD_LENGTH}, got ${length}`);
  const pad = floodPad(length);
  const linesPerChunk = Math.max(1, Math.floor(CHUNK_BYTES / (length + 1)));
  return new Promise((resolve, reject) => {
    let i = 0;
    const step = (): void => {
      for (let chunks = 0; i < total; chunks++) {
        if (chunks === CHUNKS_PER_TURN) {
          setImmediate(step);
          return;
        }
        let chunk = '';
        const stop = Math.min(total, i + linesPerChunk);
        for (; i < stop; i++) chunk += `flood ${String(i).padStart(8, '0')} ${pad}\n`;
        if (!out.write(chunk)) {
          out.once('drain', step);
          return;
        }
      }
      out.write(`${FLOOD_END}\n`, (error) => (error ? reject(error) : resolve()));
    };
    step();
  });
}
