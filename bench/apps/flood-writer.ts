// The flood both sides of the log relay benchmark write: `total` numbered lines of 100 bytes
// ("flood 00000042 xxx…" plus "\n"), then the line "flood-end". Written in ~64 KiB chunks as
// fast as the pipe takes them: a chunk is written while write() accepts more, and the writer
// waits for 'drain' when it does not, so the reader's pace sets the writer's.
import type { Writable } from 'node:stream';

export const FLOOD_PAD = 'x'.repeat(84);
export const FLOOD_END = 'flood-end';
/** Characters of a flood line without its "\n". */
export const FLOOD_LINE_LENGTH = 99;
const LINES_PER_CHUNK = 655;
// Every so many chunks the writer yields to its event loop, so a child stays responsive
// (heartbeats, a stop request) even while the pipe never fills.
const CHUNKS_PER_TURN = 16;

export function floodLine(i: number): string {
  return `flood ${String(i).padStart(8, '0')} ${FLOOD_PAD}`;
}

export function writeFlood(out: Writable, total: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let i = 0;
    const step = (): void => {
      for (let chunks = 0; i < total; chunks++) {
        if (chunks === CHUNKS_PER_TURN) {
          setImmediate(step);
          return;
        }
        let chunk = '';
        const stop = Math.min(total, i + LINES_PER_CHUNK);
        for (; i < stop; i++) chunk += `${floodLine(i)}\n`;
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
