// Builds the Koa app crew owns: request ids, the request record, the one error path, the
// built-in routes, and `Connection: close` while draining. The app's own `server(app, ctx)`
// mounts its routes after these.
//
// The record of each request is made when the app's middleware is done with it, before Koa
// writes the response, at ctx.logger's level for the server (`info`). It goes through crew's
// own-record writer (log/own-record-writer.ts), not through winston: in batches, with the
// child's mark, and made not at all when the level is off. So the response a client holds had
// its record made, and it reaches the log stream whichever way the process later exits, except
// a SIGKILL within the batch window; while draining, when the primary's kill at the deadline
// may come, each record is written at once.
import Koa from 'koa';
import type { AppDefinition, CrewContext } from '../../app/types.js';
import { createOwnRecordWriter } from '../../log/own-record-writer.js';
import { requestIdFrom, requestIdHeader } from './request-id.js';
import { requestRecordMembers } from './request-record.js';
import { runHealthChecks } from './health.js';
import { isProduction } from '../../config/production.js';
import { metricsEnabled, observeRequest } from '../../metrics/recorder.js';

export interface BuildOptions {
  app: AppDefinition;
  ctx: CrewContext;
  isDraining: () => boolean;
  /** Extra health checks from crew itself (the queue, say). */
  checks: Record<string, () => unknown>;
  /** The child's mark on crew's own records (log/own-record-mark.ts). */
  recordMark?: string;
}

export function buildKoaApp({ app, ctx, isDraining, checks, recordMark }: BuildOptions): Koa {
  const koa = new Koa();
  const records = createOwnRecordWriter(ctx.logger, process.stdout, recordMark);
  // Errors are logged once by the handler below, not by Koa's default console printer.
  koa.silent = true;
  const production = isProduction(ctx.env, process.env);

  const builtIns = builtInRoutes(app, ctx, checks);
  // Metrics are switched on before the component starts (lib/child/main.ts) and stay as they are.
  const metrics = metricsEnabled();

  /** The one error path: the error's answer, with the request's id; a 5xx is logged once. */
  const fail = (kctx: Koa.Context, requestId: string, error: unknown): void => {
    const err = error instanceof Error ? error : new Error(String(error));
    const status = numberOr((err as { status?: unknown }).status, 500);
    const expose = status < 500 && (err as { expose?: boolean }).expose !== false;
    kctx.status = status;
    json(
      kctx,
      JSON.stringify({
        error: expose ? err.message : 'Internal Server Error',
        requestId,
        ...(production || status < 500 ? {} : { stack: err.stack }),
      }),
    );
    if (status >= 500) ctx.logger.error(`${kctx.method} ${kctx.path} failed: ${err.message}`, { requestId, stack: err.stack });
  };

  /** Once the app is done with a request, before Koa writes the response: count it, record it. */
  const finish = (kctx: Koa.Context, requestId: string, started: number, recording: boolean): void => {
    // Set again: the handler may have run while the drain began.
    const draining = isDraining();
    if (draining) kctx.set('Connection', 'close');
    const ms = started > 0 ? Math.round((performance.now() - started) * 10) / 10 : 0;
    // The route the app's router named (@koa/router's `_matchedRoute`), never the raw path.
    observeRequest(kctx.method, kctx.status, (kctx as { _matchedRoute?: unknown })._matchedRoute, ms);
    if (recording) {
      records.writeJson('info', requestRecordMembers(kctx.method, kctx.path, kctx.status, ms, requestId));
      if (draining) records.flush();
    }
  };

  // One middleware, not one per duty: every layer of Koa's chain is a promise and a bound
  // function more per request. Not an async function either: its ending is attached to the
  // promise of the rest of the chain with one `then`, without an async function's suspend and
  // resume (measured with the raw header reading below: docs/benchmarks.md, "At 682095d").
  koa.use((kctx, next) => {
    const recording = records.enabled('info');
    // A request's duration is for its record and its histogram; with neither, no clock is read.
    const started = recording || metrics ? performance.now() : 0;
    const requestId = requestIdFrom(requestIdHeader(kctx.req.rawHeaders));
    kctx.state.requestId = requestId;
    // Straight to Node: nothing is sent yet, and Koa's set() builds arrays of entries per call.
    kctx.res.setHeader('X-Request-Id', requestId);
    if (isDraining()) kctx.set('Connection', 'close');
    let answer: unknown;
    try {
      const route = builtIns(kctx);
      answer = route ? route(kctx) : next();
    } catch (error) {
      try {
        fail(kctx, requestId, error);
      } finally {
        finish(kctx, requestId, started, recording);
      }
      return undefined;
    }
    if (!(answer instanceof Promise)) {
      finish(kctx, requestId, started, recording);
      return undefined;
    }
    return answer.then(
      () => finish(kctx, requestId, started, recording),
      (error: unknown) => {
        // Recorded and counted even should the error's answer itself fail.
        try {
          fail(kctx, requestId, error);
        } finally {
          finish(kctx, requestId, started, recording);
        }
      },
    );
  });

  return koa;
}

type Route = (kctx: Koa.Context) => void | Promise<void>;

/** The built-in route a request is for, if any: `GET|HEAD /_ping` and `/_health`. */
function builtInRoutes(app: AppDefinition, ctx: CrewContext, checks: Record<string, () => unknown>): (kctx: Koa.Context) => Route | undefined {
  const routes = new Map<string, Route>([
    [
      '/_ping',
      (kctx) => {
        json(kctx, PING_BODY);
      },
    ],
    [
      '/_health',
      async (kctx) => {
        const report = await runHealthChecks({ ...checks, ...bindChecks(app, ctx) });
        kctx.status = report.ok ? 200 : 503;
        json(kctx, JSON.stringify(report));
      },
    ],
  ]);
  return (kctx) => {
    // Every built-in path starts with `/_`: an origin-form URL that does not is the app's,
    // without parsing it here.
    const url = kctx.url;
    if (url.charCodeAt(0) === SLASH && url.charCodeAt(1) !== UNDERSCORE) return undefined;
    if (kctx.method !== 'GET' && kctx.method !== 'HEAD') return undefined;
    return routes.get(kctx.path);
  };
}

const PING_BODY = JSON.stringify({ ok: true });
const JSON_TYPE = 'application/json; charset=utf-8';

// The same bytes and headers as Koa's answer for an object body, given as a string: Koa tests
// an object body against the web's Blob, ReadableStream and Response, and the first such test
// in a process loads Node's fetch implementation (~10 ms of CPU). A readiness probe on a
// freshly started child is the first request it answers, and should not pay for that.
function json(kctx: Koa.Context, body: string): void {
  kctx.set('Content-Type', JSON_TYPE);
  kctx.body = body;
}

const SLASH = 0x2f;
const UNDERSCORE = 0x5f;

function bindChecks(app: AppDefinition, ctx: CrewContext): Record<string, () => unknown> {
  const bound: Record<string, () => unknown> = {};
  for (const [name, check] of Object.entries(app.health ?? {})) bound[name] = () => check(ctx);
  return bound;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && value >= 400 && value < 600 ? value : fallback;
}
