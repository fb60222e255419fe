// The resolved config travels to every child in its spec, over IPC (lib/protocol/child-spec.ts),
// and each child holds a copy: a config of megabytes is almost surely data that belongs in a
// file (and costs every fork and every child's memory). So the resolved config has a size
// limit, checked with the rest of the config, naming the biggest block and what to do instead.

import type { ConfigIssue } from './config-error.js';
import { formatSize } from './duration.js';

/** Far above any real config; a config this big is data. */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

export function configSizeIssue(config: Record<string, unknown>, originOf: (path: string[]) => { source: string; file?: string } | undefined): ConfigIssue | undefined {
  const total = Buffer.byteLength(JSON.stringify(config));
  if (total <= MAX_CONFIG_BYTES) return undefined;
  let biggest = '';
  let biggestBytes = -1;
  for (const [key, value] of Object.entries(config)) {
    const bytes = value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value));
    if (bytes > biggestBytes) [biggest, biggestBytes] = [key, bytes];
  }
  return {
    ...(originOf([biggest]) ?? { source: 'config' }),
    path: biggest,
    detail: `the resolved config is ${formatSize(total)} (${biggest} holds ${formatSize(biggestBytes)}); crew hands it to every child, and it must stay under ${formatSize(MAX_CONFIG_BYTES)}: keep large data in a file and put its path in config`,
  };
}
