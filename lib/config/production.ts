// The one answer to "is this production?", asked by the config (the server's default host),
// the start checks (no implicit in-memory queue), the server's error bodies (no stacks) and
// the --watch warning, in the primary and in every child alike.
//
// Production follows NODE_ENV, whatever the environment name: `CREW_ENV=staging` with
// `NODE_ENV=production` is production, because that is what every library in the app (Koa,
// template engines, ORMs) reads too. An environment literally named `production` is production
// as well, so `crew start --env production` never shows a stack to the world.

import type { Environ } from './interpolate.js';

export function isProduction(envName: string, environ: Environ): boolean {
  return environ.NODE_ENV?.trim() === 'production' || envName === 'production';
}
