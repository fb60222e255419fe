// The flood writer as a plain script, for the direct side of the log relay benchmark:
// node dist/bench/apps/flood-main.js LINES [LENGTH] | cat
import { writeFlood } from './flood-writer.js';

process.stdout.on('error', (error) => {
  process.stderr.write(`flood-main: stdout failed (${(error as NodeJS.ErrnoException).code ?? error.message}); the reader went away\n`);
  process.exit(1);
});
await writeFlood(process.stdout, Number(process.argv[2] ?? 1_000_000), process.argv[3] === undefined ? undefined : Number(process.argv[3]));
