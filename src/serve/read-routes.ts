// GET routes: each runs the application's query of the same name (the one
// `oms orders|order|book|price|trades|history` runs) and answers the same
// JSON document as their --json (SPEC §3 shapes).

import type { FastifyInstance } from 'fastify';
import { historyJson, orderStatusJson } from '../app/json.js';
import type { Oms } from '../app/oms.js';
import { bookQuery, historyQuery, noQuery, orderIdParams, ordersQuery, priceQuery, symbolParams, tradesQuery } from './schemas.js';

type Query = Record<string, string>;

export function readRoutes(app: FastifyInstance, oms: Oms): void {
  app.get<{ Querystring: Query }>('/orders', { schema: { querystring: ordersQuery } }, async (request) => ({ orders: await oms.orders(request.query) }));

  app.get<{ Params: { id: string } }>('/orders/:id', { schema: { params: orderIdParams, querystring: noQuery } }, async (request) =>
    orderStatusJson(await oms.order(request.params.id)),
  );

  app.get<{ Params: { symbol: string }; Querystring: Query }>('/books/:symbol', { schema: { params: symbolParams, querystring: bookQuery } }, async (request) => {
    const { depth, orders } = request.query;
    return oms.book({ symbol: request.params.symbol, depth, orders: orders === 'true' });
  });

  app.get<{ Querystring: Query }>('/price', { schema: { querystring: priceQuery } }, async (request) => {
    const { symbol, side, amount, partial } = request.query;
    return oms.price({ symbol: symbol as string, side: side as string, amount: amount as string, partial: partial === 'true' });
  });

  app.get<{ Querystring: Query }>('/trades', { schema: { querystring: tradesQuery } }, async (request) => ({ trades: await oms.trades(request.query) }));

  app.get<{ Querystring: Query }>('/history', { schema: { querystring: historyQuery } }, async (request) => historyJson(await oms.history(request.query)));
}
