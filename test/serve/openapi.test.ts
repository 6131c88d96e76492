// GET /openapi.json (issue 17, SPEC §7): an OpenAPI 3.1 document generated
// from the registered routes. Checked against fastify's own route table
// (printRoutes, independent of how the document collects routes): every
// route the server answers is documented and every documented one exists,
// with its parameters and body from the route's schemas, an error entry and
// security only where a token is needed.

import { describe, expect, it } from 'vitest';
import { documentApp } from '../app/helpers.js';
import { get, injectable } from './inject.js';

/** "METHOD /path/:param" for every route in fastify's printed route tree. */
function registeredRoutes(tree: string): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:│   |    )*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] as string).length / 4;
    stack.length = depth;
    stack.push(match[2] as string);
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) routes.push(`${method} ${stack.join('')}`);
  }
  return routes.sort();
}

function documentedRoutes(doc: any): string[] {
  const routes: string[] = [];
  for (const [path, operations] of Object.entries(doc.paths as Record<string, object>)) {
    for (const method of Object.keys(operations)) routes.push(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
  }
  return routes.sort();
}

describe('GET /openapi.json', () => {
  it('documents exactly the routes the server answers', async () => {
    const app = injectable(await documentApp());
    const reply = await get(app, '/openapi.json');
    expect(reply.status).toBe(200);
    const doc = reply.json;
    expect(doc.openapi).toBe('3.1.0');
    const registered = registeredRoutes(app.printRoutes({ commonPrefix: false }));
    expect(registered).toContain('GET /quotes/:id');
    expect(registered.length).toBeGreaterThan(20);
    expect(documentedRoutes(doc)).toEqual(registered);
    for (const route of documentedRoutes(doc)) {
      const [method, url] = route.split(' ') as [string, string];
      expect(app.hasRoute({ method: method as 'GET', url }), route).toBe(true);
    }
  });

  it('each operation has its parameters, body, answers and the error shape', async () => {
    const doc = (await get(injectable(await documentApp()), '/openapi.json')).json;
    const ids = new Set<string>();
    for (const operations of Object.values(doc.paths as Record<string, Record<string, any>>)) {
      for (const op of Object.values(operations)) {
        expect(typeof op.summary).toBe('string');
        expect(ids.has(op.operationId), op.operationId).toBe(false);
        ids.add(op.operationId);
        expect(op.responses['4XX'].content['application/json'].schema.properties.error.required).toEqual(['code', 'message']);
        expect(op.security).toEqual([]);
      }
    }
    const add = doc.paths['/orders'].post;
    expect(add.requestBody.content['application/json'].schema.required).toEqual(['orderId', 'symbol', 'side', 'amount', 'price']);
    expect(add.responses['201'].content['application/json'].schema.properties.order.properties.price.type).toBe('string');
    expect(add.parameters.map((p: any) => p.name)).toEqual(['Idempotency-Key']);
    const orders = doc.paths['/orders'].get.parameters.map((p: any) => `${p.in}:${p.name}`);
    expect(orders).toEqual(['query:symbol', 'query:side', 'query:limit', 'query:offset']);
    expect(doc.paths['/orders/{id}'].get.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]);
    expect(doc.paths['/price'].get.parameters.filter((p: any) => p.required).map((p: any) => p.name)).toEqual(['symbol', 'side', 'amount']);
    expect(doc.paths['/quotes'].get.parameters[0].schema.enum).toEqual(['open', 'expired', 'used']);
    expect(doc.paths['/books/{symbol}'].get.responses['200'].content['application/json'].schema.required).toContain('bestBid');
    expect(doc.paths['/metrics'].get.responses['200'].content['text/plain']).toBeDefined();
  });

  it('with a token: needs none itself; every other route but /healthz and /readyz says bearer', async () => {
    const app = injectable(await documentApp(), 's3cret');
    const reply = await get(app, '/openapi.json');
    expect(reply.status).toBe(200);
    expect((await get(app, '/orders')).status).toBe(401);
    const doc = reply.json;
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/openapi.json'].get.security).toEqual([]);
    expect(doc.paths['/healthz'].get.security).toEqual([]);
    expect(doc.paths['/readyz'].get.security).toEqual([]);
    expect(doc.paths['/orders'].post.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/quotes/{id}'].get.security).toEqual([{ bearer: [] }]);
  });
});
