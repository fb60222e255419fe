// Builds the Koa app crew owns: request ids, the request record, the one error path, the
// built-in routes, and `Connection: close` while draining. The app's own `server(app, ctx)`
// mounts its routes after these.
import Koa from 'koa';
import type { AppDefinition, CrewContext } from '../../app/types.js';
import { requestIdFrom } from './request-id.js';
import { runHealthChecks } from './health.js';
import { isProduction } from '../../config/production.js';
import { observeRequest } from '../../metrics/recorder.js';

export interface BuildOptions {
  app: AppDefinition;
  ctx: CrewContext;
  isDraining: () => boolean;
  /** Extra health checks from crew itself (the queue, say). */
  checks: Record<string, () => unknown>;
}

export function buildKoaApp({ app, ctx, isDraining, checks }: BuildOptions): Koa {
  const koa = new Koa();
  // Errors are logged once by the handler below, not by Koa's default console printer.
  koa.silent = true;
  const production = isProduction(ctx.env, process.env);

  koa.use(async (kctx, next) => {
    const started = performance.now();
    const requestId = requestIdFrom(kctx.get('x-request-id') || undefined);
    kctx.state.requestId = requestId;
    kctx.set('X-Request-Id', requestId);
    if (isDraining()) kctx.set('Connection', 'close');
    try {
      await next();
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      const status = numberOr((err as { status?: unknown }).status, 500);
      const expose = status < 500 && (err as { expose?: boolean }).expose !== false;
      kctx.status = status;
      kctx.body = {
        error: expose ? err.message : 'Internal Server Error',
        requestId,
        ...(production || status < 500 ? {} : { stack: err.stack }),
      };
      if (status >= 500) ctx.logger.error(`${kctx.method} ${kctx.path} failed: ${err.message}`, { requestId, stack: err.stack });
    } finally {
      // Set again: the handler may have run while the drain began.
      if (isDraining()) kctx.set('Connection', 'close');
      const ms = Math.round((performance.now() - started) * 10) / 10;
      // The route the app's router named (@koa/router's `_matchedRoute`), never the raw path.
      observeRequest(kctx.method, kctx.status, (kctx as { _matchedRoute?: unknown })._matchedRoute, ms);
      ctx.logger.info(`${kctx.method} ${kctx.path} ${kctx.status} ${ms}ms`, {
        method: kctx.method,
        path: kctx.path,
        status: kctx.status,
        ms,
        requestId,
      });
    }
  });

  koa.use(async (kctx, next) => {
    if (kctx.method !== 'GET' && kctx.method !== 'HEAD') return next();
    if (kctx.path === '/_ping') {
      kctx.body = { ok: true };
      return;
    }
    if (kctx.path === '/_health') {
      const report = await runHealthChecks({ ...checks, ...bindChecks(app, ctx) });
      kctx.status = report.ok ? 200 : 503;
      kctx.body = report;
      return;
    }
    return next();
  });

  return koa;
}

function bindChecks(app: AppDefinition, ctx: CrewContext): Record<string, () => unknown> {
  const bound: Record<string, () => unknown> = {};
  for (const [name, check] of Object.entries(app.health ?? {})) bound[name] = () => check(ctx);
  return bound;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && value >= 400 && value < 600 ? value : fallback;
}
