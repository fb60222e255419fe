// The baseline of the redis throughput benchmark: a bare bee-queue worker, no crew, with the
// very bee-queue settings crew's workers use, processing the trivial job at the concurrency of
// argv[3]. Prints "ready" once it processes.
//   node dist/bench/apps/bare-bee-worker.js <redis-url> <concurrency> <prefix>
import { BeeQueue } from '../../lib/queue/redis/bee.js';
import { workerSettings } from '../../lib/queue/redis/settings.js';

const [url, concurrency, prefix] = process.argv.slice(2);
const settings = { ...workerSettings(prefix!, undefined as never, 5000), redis: { url } as never };
const queue = new BeeQueue('trivial', settings);
queue.on('error', (error: Error) => process.stderr.write(`bare worker: ${error.message}\n`));
queue.process(Number(concurrency), async () => undefined);
await queue.ready();
process.stdout.write('ready\n');
process.on('SIGTERM', () => void queue.close(2000).finally(() => process.exit(0)));
