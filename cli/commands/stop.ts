// `crew stop`: a graceful shutdown of the running crew, as SIGTERM.
import { askCrew } from '../ask-crew.js';

export const command = 'stop';
export const describe = 'Stop the running crew gracefully (as SIGTERM)';

export async function handler(): Promise<void> {
  await askCrew('stop');
  process.stdout.write('stopping: the crew drains within its grace and exits\n');
}
