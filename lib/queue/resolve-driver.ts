// Which driver a crew's queue uses (SPEC "Queues"): `auto` means redis when a Redis URL is set,
// else embedded. Refusals here happen before anything is forked.
import type { CrewConfig } from '../config/types.js';
import { UsageError } from '../util/usage-error.js';
import type { DriverName } from './types.js';

export function resolveDriver(queue: CrewConfig['queue']): DriverName {
  if (queue.driver === 'redis' && !queue.url) {
    throw new UsageError('queue.driver is redis but no Redis URL is set: set REDIS_URL or queue.url (e.g. redis://127.0.0.1:6379)');
  }
  if (queue.driver === 'auto') return queue.url ? 'redis' : 'embedded';
  return queue.driver;
}
