// The HTTP application: fastify set up as SPEC §7 asks (JSON Schema with
// unknown fields rejected, 64 KiB bodies, the error shape and HTTP statuses of
// src/app, one log line per request, bearer auth), and its routes. It is
// built apart from listening so a test can run it on any store.

import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { httpStatusOf, retryAfterOf, toOmsError } from '../app/errors.js';
import { errorJson } from '../app/json.js';
import type { Oms } from '../app/oms.js';
import { OmsError } from '../core/errors.js';
import { clip, safeJson } from '../core/text.js';
import { AllowedMethods } from './allowed-methods.js';
import { bearerCheck } from './auth.js';
import { clientErrorHandler } from './client-errors.js';
import { CommitQueue } from './commit-queue.js';
import { jsonBodyParser } from './json-body.js';
import { Metrics } from './metrics.js';
import { mutationRoutes } from './mutation-routes.js';
import { readRoutes } from './read-routes.js';
import { Readiness } from './readiness.js';
import { noQuery } from './schemas.js';
import { frameworkError, schemaError, type SchemaError } from './validation.js';

export const BODY_LIMIT = 64 * 1024;
// A balancer's health checks carry no token.
const OPEN_ROUTES = new Set(['/healthz', '/readyz']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The operation id, for the log line. */
    opId: string | null;
    /** The outcome's note (a replay, a no-op), for the log line. */
    notice: string | null;
  }
}

export interface AppOptions {
  /** The application on the server's state, open for the server's life. */
  oms: Oms;
  logger: Logger;
  token: string | undefined;
  /** More Prometheus text for /metrics (the inbox's counters). */
  moreMetrics?: () => string;
}

export interface OmsApp {
  app: FastifyInstance;
  queue: CommitQueue;
  metrics: Metrics;
  readiness: Readiness;
  /** From now on: new requests get 503 (/healthz too), answers close their connection. */
  beginDrain(): void;
}

/** An error document as sent: escaped JSON text (SPEC §12). */
const errorBody = (error: OmsError): string => safeJson(errorJson(error));

function sendError(reply: FastifyReply, error: OmsError, status: number): FastifyReply {
  const retryAfter = retryAfterOf(error.code);
  if (status === 503 && retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  return reply.code(status).type('application/json; charset=utf-8').send(errorBody(error));
}

export function buildApp(options: AppOptions): OmsApp {
  const { oms, logger } = options;
  const queue = new CommitQueue(oms);
  const metrics = new Metrics();
  const readiness = new Readiness(oms, queue);
  let draining = false;

  const app = Fastify({
    // Fastify's own info lines ("Server listening at") would repeat ours.
    loggerInstance: logger.child({}, { level: 'warn' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    ajv: { customOptions: { allowUnionTypes: true, removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false, verbose: true } },
    schemaErrorFormatter: (errors, context) => schemaError(errors as SchemaError[], context),
    return503OnClosing: false,
    clientErrorHandler: clientErrorHandler(logger, errorBody),
    frameworkErrors: (error, _request, reply) => {
      const known = frameworkError(error, BODY_LIMIT) ?? { status: 400, error: new OmsError('INVALID_ARGUMENT', `request: ${clip(error.message, 200)}`) };
      sendError(reply, known.error, known.status);
    },
  });
  app.decorateRequest('opId', null);
  app.decorateRequest('notice', null);

  // JSON only, read exactly (json-body.ts); text/plain is 415 like any other type (SPEC §7, §12).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, jsonBodyParser);

  const allowed = new AllowedMethods();
  app.addHook('onRoute', (route) => {
    allowed.add(route.method, route.url);
    if (route.method === 'GET') allowed.add('HEAD', route.url);
  });

  // Once stopping, requests that still arrive on open connections are turned
  // away (in our error shape, unlike fastify's own return503OnClosing).
  app.addHook('onRequest', async (_request, reply) => {
    if (draining) return sendError(reply, new OmsError('INTERRUPTED', 'the server is shutting down: retry against another instance or once it is back'), 503);
  });

  if (options.token !== undefined) {
    const accepts = bearerCheck(options.token);
    app.addHook('onRequest', async (request, reply) => {
      if (OPEN_ROUTES.has(request.routeOptions.url ?? '')) return;
      if (accepts(request.headers.authorization)) return;
      const given = request.headers.authorization === undefined ? 'no Authorization header' : 'a wrong token';
      reply.header('www-authenticate', 'Bearer realm="oms"');
      return sendError(reply, new OmsError('INVALID_ARGUMENT', `authorization: ${given}; send Authorization: Bearer <token>`, { field: 'authorization' }), 401);
    });
  }

  // Answers sent while stopping close their connection, so the drain does not wait for idle keep-alives.
  app.addHook('onSend', async (_request, reply) => {
    if (draining) reply.header('connection', 'close');
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const ms = reply.elapsedTime;
    metrics.observe(request.method, route, reply.statusCode, ms / 1000);
    logger.info(
      {
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(ms * 1000) / 1000,
        opId: request.opId ?? undefined,
        notice: request.notice ?? undefined,
      },
      'request',
    );
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof OmsError) return sendError(reply, error, httpStatusOf(error.code));
    const known = frameworkError(error as { code?: string; statusCode?: number; message: string }, BODY_LIMIT);
    if (known) return sendError(reply, known.error, known.status);
    const failure = toOmsError(error);
    logger.error({ err: error, method: request.method, url: request.url }, 'internal error');
    return sendError(reply, failure, httpStatusOf(failure.code));
  });

  app.setNotFoundHandler((request, reply) => {
    const path = clip(request.url.split('?')[0] ?? '', 200);
    const methods = allowed.of(path);
    if (methods.length > 0) {
      reply.header('allow', methods.join(', '));
      const error = new OmsError('INVALID_ARGUMENT', `method: ${request.method} is not allowed on ${path}; it takes ${methods.join(', ')}`, { field: 'method' });
      return sendError(reply, error, 405);
    }
    const error = new OmsError('INVALID_ARGUMENT', `route: ${request.method} ${path} does not exist`, { field: 'route' });
    return sendError(reply, error, 404);
  });

  app.get('/healthz', { schema: { querystring: noQuery } }, async (_request, reply) => {
    try {
      await oms.check();
    } catch (error) {
      return sendError(reply, toOmsError(error), 503);
    }
    // Readable is not enough: a state whose last write failed is not usable until one succeeds.
    if (queue.stateFailure) return sendError(reply, queue.stateFailure, 503);
    return { status: 'ok' };
  });

  app.get('/readyz', { schema: { querystring: noQuery } }, async (_request, reply) => {
    const failure = await readiness.check();
    return failure ? sendError(reply, failure, 503) : { status: 'ready' };
  });

  app.get('/metrics', { schema: { querystring: noQuery } }, async (_request, reply) => {
    let liveOrders: number | undefined;
    try {
      liveOrders = await oms.liveOrderCount();
    } catch {
      liveOrders = undefined;
    }
    const text = metrics.render({ store: oms.stats, committedRequests: queue.committed, pendingCommits: queue.pending, liveOrders }) + (options.moreMetrics?.() ?? '');
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
  });

  readRoutes(app, oms);
  mutationRoutes(app, queue);

  return {
    app,
    queue,
    metrics,
    readiness,
    beginDrain: () => {
      draining = true;
    },
  };
}
