// GET routes: each runs the application's query of the same name (the one
// `oms orders|order|book|price|trades|history` runs) and answers the same
// JSON document as their --json (SPEC §3 shapes).

import type { FastifyInstance } from 'fastify';
import { historyJson, orderStatusJson, ordersPageJson, priceJson, quoteEntryJson, quotesJson, tradesJson } from '../app/json.js';
import type { Oms } from '../app/oms.js';
import { bookQuery, historyQuery, noQuery, orderIdParams, ordersQuery, priceQuery, quotesQuery, symbolParams, tradesQuery } from './schemas.js';

type Query = Record<string, string>;

export function readRoutes(app: FastifyInstance, oms: Oms): void {
  // Paged (?limit=&offset=) it says the total too; unpaged it stays the plain list.
  app.get<{ Querystring: Query }>('/orders', { schema: { querystring: ordersQuery } }, async (request) => {
    const { limit, offset } = request.query;
    if (limit === undefined && offset === undefined) return { orders: await oms.orders(request.query) };
    return ordersPageJson(await oms.ordersPage(request.query));
  });

  app.get<{ Params: { id: string } }>('/orders/:id', { schema: { params: orderIdParams, querystring: noQuery } }, async (request) =>
    orderStatusJson(await oms.order(request.params.id)),
  );

  app.get<{ Params: { symbol: string }; Querystring: Query }>('/books/:symbol', { schema: { params: symbolParams, querystring: bookQuery } }, async (request) => {
    const { depth, orders } = request.query;
    return oms.book({ symbol: request.params.symbol, depth, orders: orders === 'true' });
  });

  app.get<{ Querystring: Query }>('/price', { schema: { querystring: priceQuery } }, async (request) => {
    const { symbol, side, amount, partial } = request.query;
    return priceJson(await oms.price({ symbol: symbol as string, side: side as string, amount: amount as string, partial: partial === 'true' }));
  });

  app.get<{ Querystring: Query }>('/trades', { schema: { querystring: tradesQuery } }, async (request) => tradesJson(await oms.trades(request.query)));

  app.get<{ Querystring: Query }>('/quotes', { schema: { querystring: quotesQuery } }, async (request) => quotesJson(await oms.quotes(request.query)));

  app.get<{ Params: { id: string } }>('/quotes/:id', { schema: { params: orderIdParams, querystring: noQuery } }, async (request) =>
    quoteEntryJson(await oms.quote(request.params.id)),
  );

  app.get<{ Querystring: Query }>('/history', { schema: { querystring: historyQuery } }, async (request) => historyJson(await oms.history(request.query)));
}
