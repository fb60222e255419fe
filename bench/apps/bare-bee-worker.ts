// The baseline of the redis throughput benchmark: a bare bee-queue worker, no crew, with the
// very bee-queue settings crew's workers use, processing the trivial job at the concurrency of
// argv[3]. Prints "ready" once it processes. With `coalesced`, its Redis connections send each
// turn's commands in one write, as crew's do: the benchmark's second baseline, which leaves
// only the cost of crew's own work per job.
//   node dist/bench/apps/bare-bee-worker.js <redis-url> <concurrency> <prefix> [coalesced]
import { BeeQueue, redisV3 } from '../../lib/queue/redis/bee.js';
import { coalesceWrites } from '../../lib/queue/redis/coalesce-writes.js';
import { workerSettings } from '../../lib/queue/redis/settings.js';

const [url, concurrency, prefix, variant] = process.argv.slice(2);
// bee-queue makes its own client from options; given a client, it duplicates it for the others.
const redis = variant === 'coalesced' ? coalesceWrites(redisV3.createClient({ url: url!, retry_strategy: () => 100, connect_timeout: 10_000 })) : { url };
const settings = { ...workerSettings(prefix!, undefined as never, 5000), redis: redis as never };
const queue = new BeeQueue('trivial', settings);
queue.on('error', (error: Error) => process.stderr.write(`bare worker: ${error.message}\n`));
queue.process(Number(concurrency), async () => undefined);
await queue.ready();
process.stdout.write('ready\n');
process.on('SIGTERM', () => void queue.close(2000).finally(() => process.exit(0)));
