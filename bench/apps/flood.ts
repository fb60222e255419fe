// The flood writer as a crew component, for the relayed side of the log relay benchmark:
// crew start --app dist/bench/apps/flood.js --component flood (FLOOD_LINES sets the count).
// It writes once, then idles until crew stops it: exiting would be a crash to restart.
import { defineApp } from 'crew';
import { writeFlood } from './flood-writer.js';

let idle: NodeJS.Timeout | undefined;

export default defineApp({
  components: {
    flood: {
      start(ctx) {
        idle = setInterval(() => undefined, 60_000);
        setImmediate(() => {
          writeFlood(process.stdout, Number(process.env.FLOOD_LINES ?? 1_000_000)).catch((error: Error) => ctx.logger.error(`flood failed: ${error.message}`));
        });
      },
      stop() {
        clearInterval(idle);
      },
    },
  },
});
