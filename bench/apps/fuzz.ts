// The relay fuzz benchmark's child as a crew component: writes FUZZ_RECORDS random records
// from FUZZ_SEED (./fuzz-writer.ts) to its stdout and stderr, then the line "fuzz-end" on
// stdout, then idles until crew stops it.
// crew start --app dist/bench/apps/fuzz.js --component fuzz
import { defineApp } from 'crew';
import { writeFuzz } from './fuzz-writer.js';

export const FUZZ_END = 'fuzz-end';
let idle: NodeJS.Timeout | undefined;

export default defineApp({
  components: {
    fuzz: {
      start(ctx) {
        idle = setInterval(() => undefined, 60_000);
        setImmediate(() => {
          writeFuzz(process.stdout, process.stderr, Number(process.env.FUZZ_RECORDS ?? 100_000), Number(process.env.FUZZ_SEED ?? 1))
            .then((counts) => process.stdout.write(`${FUZZ_END} ${counts.stdout} ${counts.stderr}\n`))
            .catch((error: Error) => ctx.logger.error(`fuzz failed: ${error.message}`));
        });
      },
      stop() {
        clearInterval(idle);
      },
    },
  },
});
