// A spec's own connection to its redis-server, to change it under a running crew (require a
// password, kill clients, add ACL users). Its connection stays authenticated when the server
// starts requiring a password, and CLIENT KILL skips it.
import type { TestContext } from 'node:test';
import { createClient } from 'redis';

export interface RedisAdmin {
  command(...args: string[]): Promise<unknown>;
}

export async function redisAdmin(t: TestContext, port: number, password?: string): Promise<RedisAdmin> {
  const client = createClient({ socket: { host: '127.0.0.1', port, reconnectStrategy: false }, ...(password ? { password } : {}) });
  // The spec's own assertions say what went wrong; this connection only fails when the test
  // stops its Redis first, at the end.
  client.on('error', () => undefined);
  await client.connect();
  t.after(() => client.destroy());
  return { command: (...args) => client.sendCommand(args) };
}
