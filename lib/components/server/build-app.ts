// Builds the Koa app crew owns: request ids, the request record, the one error path, the
// built-in routes, and `Connection: close` on requests begun while draining. The app's own `server(app, ctx)`
// mounts its routes after these.
//
// The record of each request is made when the app's middleware is done with it, before Koa
// writes the response, at ctx.logger's level for the server (`info`). It goes through crew's
// own-record writer (log/own-record-writer.ts), not through winston: in batches, with the
// child's mark, and made not at all when the level is off. So the response a client holds had
// its record made, and it reaches the log stream whichever way the process later exits, except
// a SIGKILL within the batch window; while draining, when the primary's kill at the deadline
// may come, each record is written at once.
import type { Socket } from 'node:net';
import Koa from 'koa';
import type { AppDefinition, CrewContext } from '../../app/types.js';
import { createOwnRecordWriter } from '../../log/own-record-writer.js';
import { newRequestId, requestIdFrom, requestIdHeader } from './request-id.js';
import { requestRecordMembers } from './request-record.js';
import { runHealthChecks } from './health.js';
import { isProduction } from '../../config/production.js';
import { countRequest, metricsEnabled, observeRequest } from '../../metrics/recorder.js';

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
  // Errors are logged once by the error path below, not by Koa's default console printer.
  koa.silent = true;
  const production = isProduction(ctx.env, process.env);

  const builtIns = builtInRoutes(app, ctx, checks);
  // Metrics are switched on before the component starts (lib/child/main.ts) and stay as they are.
  const metrics = metricsEnabled();

  /** The error's answer, with the request's id, set on the context; a 5xx is logged once. */
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

  /** The answer when the error itself could not be read. */
  const failPlainly = (kctx: Koa.Context, requestId: string): void => {
    kctx.status = 500;
    json(kctx, JSON.stringify({ error: 'Internal Server Error', requestId }));
    ctx.logger.error(`${kctx.method} ${kctx.path} failed with an error that could not be read`, { requestId });
  };

  /**
   * The error's answer set on the context, whatever was thrown: read plainly when it cannot be
   * read (an object whose getters throw, a status Koa refuses), as this must not throw.
   */
  const failed = (kctx: Koa.Context, requestId: string, error: unknown): void => {
    try {
      fail(kctx, requestId, error);
    } catch {
      failPlainly(kctx, requestId);
    }
  };

  /** Once the app is done with a timed request, before Koa writes the response: its metrics, its record (none for an untimed one). */
  const finish = (kctx: Koa.Context, timing: Timing | undefined): void => {
    if (timing === undefined) return;
    const ms = Math.round((performance.now() - timing.started) * 10) / 10;
    // The route the app's router named (@koa/router's `_matchedRoute`), never the raw path.
    observeRequest(kctx.method, kctx.status, (kctx as { _matchedRoute?: unknown })._matchedRoute, ms);
    if (timing.recording) {
      records.writeJson('info', requestRecordMembers(kctx.method, kctx.path, kctx.status, ms, timing.requestId));
      // While draining, the primary's kill at the deadline may come: the record is written now.
      if (isDraining()) records.flush();
    }
  };

  /** A failed chain's answer, and then its metrics and record, even should the answer itself fail. */
  const failedThenFinish = (kctx: Koa.Context, requestId: string, error: unknown, timing: Timing | undefined): void => {
    try {
      failed(kctx, requestId, error);
    } finally {
      finish(kctx, timing);
    }
  };

  // Koa hands ctx.onerror every error of a request that the chain did not handle: the chain's
  // own (a throw or a rejection, whatever was thrown, null included), its answer's failing to
  // be written, and, through on-finished, the end of the response (null) or its socket's error.
  // The first two are crew's to answer; the socket's stay Koa's (nothing to answer, the client
  // is gone, and an app's own `app.on('error')` still hears of it).
  const koaOnError = koa.context.onerror;
  const crewOnError = function (this: Koa.Context, error: unknown): void {
    const answerable = !this.headerSent && this.writable;
    if (error == null && !answerable) return;
    const socket = this.req.socket as (Socket & { errored?: unknown }) | null;
    if (error != null && socket?.errored === error) {
      koaOnError.call(this, error as Error);
      return;
    }
    failed(this, (this as Tagged)[REQUEST_ID] ?? newRequestId(), error);
    // Written as Koa's own answer for a string body would be; an app that took the response
    // over (`ctx.respond = false`) writes it itself.
    if (answerable && this.respond !== false) {
      if (this.method === 'HEAD') this.res.end();
      else this.res.end(this.body as string);
    }
  };
  koa.context.onerror = crewOnError;

  // One middleware, not one per duty: every layer of Koa's chain is a promise and a bound
  // function more per request. Not an async function either.
  //
  // Two roads, one answer. When there is nothing to do once the app is done (no record, no
  // metrics) and crew's ctx.onerror is in place, the app's chain is returned as it is, and a
  // failed chain reaches crew's ctx.onerror: the ending a request would otherwise get costs a
  // promise and a turn of the microtask queue, ~2% of a hello-world request (docs/benchmarks.md,
  // "The ending left off"). Otherwise crew ends the request itself, with one `then`: its
  // record and metrics, and a failed chain answered there, whatever ctx.onerror an app set
  // (koa-onerror, say), so that every request keeps its record.
  koa.use((kctx, next) => {
    countRequest();
    const requestId = requestIdFrom(requestIdHeader(kctx.req.rawHeaders));
    kctx.state.requestId = requestId;
    (kctx as Tagged)[REQUEST_ID] = requestId;
    // Straight to Node: nothing is sent yet, and Koa's set() builds arrays of entries per call.
    kctx.res.setHeader('X-Request-Id', requestId);
    // A request begun while draining; one already on its way is told by the drain (./http-drain.ts).
    if (isDraining()) kctx.set('Connection', 'close');
    const recording = records.enabled('info');
    const route = builtIns(kctx);
    if (!recording && !metrics && koa.context.onerror === crewOnError) return route ? route(kctx) : next();
    // A request's duration is for its record and its histogram; with neither, no clock is read.
    const timing: Timing | undefined = recording || metrics ? { requestId, started: performance.now(), recording } : undefined;
    let answer: unknown;
    try {
      answer = route ? route(kctx) : next();
    } catch (error) {
      failedThenFinish(kctx, requestId, error, timing);
      return undefined;
    }
    if (!(answer instanceof Promise)) {
      finish(kctx, timing);
      return undefined;
    }
    return answer.then(
      () => finish(kctx, timing),
      (error: unknown) => failedThenFinish(kctx, requestId, error, timing),
    );
  });

  return koa;
}

/** What crew keeps on a request's context, under a symbol no app reads: its id, for ctx.onerror. */
const REQUEST_ID = Symbol('crew request id');

interface Timing {
  requestId: string;
  started: number;
  recording: boolean;
}

type Tagged = Koa.Context & { [REQUEST_ID]?: string };

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
  return Number.isInteger(value) && (value as number) >= 400 && (value as number) < 600 ? (value as number) : fallback;
}
