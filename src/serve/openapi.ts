// The OpenAPI 3.1 document of `oms serve` (GET /openapi.json), generated from
// the routes as fastify registered them: each route's own request schemas
// (schemas.ts) become its parameters and body, and the answers come from
// responses.ts. A route registered without an entry here makes the document
// fail (500), and a test compares the document with the registered routes,
// so the two cannot drift apart. Written here rather than with
// @fastify/swagger: the schemas are already plain JSON Schema (which OpenAPI
// 3.1 takes as is), and this stays one small file with no dependency.

import fs from 'node:fs';
import type { FastifyInstance, RouteOptions } from 'fastify';
import * as shapes from './responses.js';

/** A route as registered (what onRoute sees). */
export interface RegisteredRoute {
  method: string;
  url: string;
  schema?: { querystring?: JsonObject; params?: JsonObject; body?: JsonObject };
}

type JsonObject = { properties?: Record<string, unknown>; required?: string[] } & Record<string, unknown>;

interface RouteDoc {
  summary: string;
  /** Success statuses and what they carry; errors are added to every route. */
  ok: Record<string, { description: string; schema?: unknown; text?: boolean }>;
}

const created = (schema: unknown, what: string) => ({
  '201': { description: `${what} (committed)`, schema },
  '200': { description: 'a replay: the original result again', schema },
});

const ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /healthz': { summary: 'liveness: the state can be read and the last write did not fail', ok: { '200': { description: 'healthy', schema: shapes.health } } },
  'GET /readyz': {
    summary: 'readiness: this instance should be sent traffic (for a load balancer)',
    ok: { '200': { description: 'ready', schema: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ready'] } } } } },
  },
  'GET /metrics': { summary: 'Prometheus text format 0.0.4', ok: { '200': { description: 'metrics', text: true } } },
  'GET /openapi.json': { summary: 'this document', ok: { '200': { description: 'OpenAPI 3.1', schema: { type: 'object' } } } },
  'GET /orders': { summary: 'live orders (oms orders); limit/offset give a window and the total', ok: { '200': { description: 'orders', schema: shapes.ordersList } } },
  'GET /orders/:id': { summary: 'one order, live or how it left the book (oms order)', ok: { '200': { description: 'the order', schema: shapes.orderStatus } } },
  'GET /books/:symbol': { summary: 'a book by price level, with best bid/ask and spread (oms book)', ok: { '200': { description: 'the book', schema: shapes.book } } },
  'GET /price': { summary: 'read-only calculatePrice (oms price)', ok: { '200': { description: 'what the request fills now', schema: shapes.execution } } },
  'GET /trades': { summary: 'executed trades, newest first (oms trades)', ok: { '200': { description: 'trades', schema: shapes.tradesList } } },
  'GET /quotes': { summary: 'stored quotes, newest first: open, expired or used (oms quotes)', ok: { '200': { description: 'quotes', schema: shapes.quotesList } } },
  'GET /quotes/:id': { summary: 'one stored quote (oms quotes <id>)', ok: { '200': { description: 'the quote', schema: shapes.quoteEntry } } },
  'GET /history': { summary: 'committed operations, newest first (oms history)', ok: { '200': { description: 'operations', schema: shapes.historyList } } },
  'POST /orders': { summary: 'add an order (oms add)', ok: created(shapes.addResult, 'added') },
  'PATCH /orders/:id': { summary: "set a live order's amount and/or price (oms modify)", ok: { '200': { description: 'modified, unchanged or a replay', schema: shapes.modifyResult } } },
  'DELETE /orders/:id': { summary: 'remove an order (oms remove)', ok: { '200': { description: 'removed, already gone or a replay', schema: shapes.removeResult } } },
  'POST /quotes': { summary: 'price a request and store the quote (oms quote)', ok: created(shapes.quoteResult, 'stored') },
  'POST /trades': { summary: 'trade now, or execute a stored quote with {quoteId} (oms trade)', ok: created(shapes.tradeResult, 'traded') },
};

const ERRORS = {
  '4XX': 'rejected: 400 INVALID_ARGUMENT, 401, 404 ORDER_NOT_FOUND/QUOTE_NOT_FOUND or no such route, 405 another method (Allow says which), 408, 409 DUPLICATE_ORDER_ID/OP_ID_CONFLICT/QUOTE_USED/PRICE_MOVED, 410 QUOTE_EXPIRED, 413, 422 INSUFFICIENT_LIQUIDITY, 431',
  '5XX': '503 STATE_LOCKED/STATE_IO/INTERRUPTED with Retry-After, 500 INTERNAL',
};

/** Collects every route as it is registered; call before registering any. */
export function collectRoutes(app: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, schema: route.schema as RegisteredRoute['schema'] });
  });
  return routes;
}

let version: string | undefined;
function packageVersion(): string {
  version ??= (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return version;
}

const openApiPath = (url: string): string => url.replace(/:(\w+)/g, '{$1}');

function parameters(where: 'query' | 'path', schema: JsonObject | undefined): unknown[] {
  const required = new Set(schema?.required ?? []);
  return Object.entries(schema?.properties ?? {}).map(([name, property]) => ({ name, in: where, required: where === 'path' || required.has(name), schema: property }));
}

function operation(route: RegisteredRoute, secured: boolean, openRoutes: ReadonlySet<string>): Record<string, unknown> {
  const key = `${route.method === 'HEAD' ? 'GET' : route.method} ${route.url}`;
  const doc = ROUTE_DOCS[key];
  if (!doc) throw new Error(`the OpenAPI document has no entry for ${key}: add one in src/serve/openapi.ts`);
  const head = route.method === 'HEAD';
  const responses: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(doc.ok)) {
    const media = answer.text ? { 'text/plain': { schema: { type: 'string' } } } : { 'application/json': { schema: answer.schema } };
    responses[status] = head ? { description: `${answer.description} (headers only)` } : { description: answer.description, content: media };
  }
  for (const [status, description] of Object.entries(ERRORS)) {
    responses[status] = { description, content: { 'application/json': { schema: shapes.errorDocument } } };
  }
  const schema = route.schema ?? {};
  const op: Record<string, unknown> = {
    operationId: `${route.method.toLowerCase()}${route.url.replace(/[/:.](\w)/g, (_m, c: string) => c.toUpperCase()).replace(/\W/g, '')}`,
    summary: head ? `${doc.summary} (headers only)` : doc.summary,
    parameters: [...parameters('path', schema.params), ...parameters('query', schema.querystring)],
    responses,
  };
  if (route.method === 'POST' || route.method === 'PATCH' || route.method === 'DELETE') {
    (op['parameters'] as unknown[]).push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'the operation id: the same key with the same request is a replay (nothing changes twice)',
      schema: { type: 'string', maxLength: 128 },
    });
  }
  if (schema.body) op['requestBody'] = { required: true, content: { 'application/json': { schema: schema.body } } };
  op['security'] = secured && !openRoutes.has(route.url) ? [{ bearer: [] }] : [];
  return op;
}

/** The document for the routes registered so far; `secured` when the server requires a token. */
export function openApiDocument(routes: readonly RegisteredRoute[], secured: boolean, openRoutes: ReadonlySet<string>): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = openApiPath(route.url);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route, secured, openRoutes);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'oms',
      version: packageVersion(),
      description: 'Order books per symbol over one journaled state: the same operations, rules and --json shapes as the oms command line.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'the token of --token-file or $OMS_TOKEN' } } },
  };
}
