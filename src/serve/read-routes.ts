// GET routes: each runs the CLI's read command of the same name against the
// server's store and answers its --json document (SPEC §3 shapes).

import type { FastifyInstance } from 'fastify';
import { runBook } from '../cli/commands/book.js';
import { runHistory } from '../cli/commands/history.js';
import { runOrder } from '../cli/commands/order.js';
import { runOrders } from '../cli/commands/orders.js';
import { runPrice } from '../cli/commands/price.js';
import { runTrades } from '../cli/commands/trades.js';
import type { ServeContext } from './read-context.js';
import { bookQuery, historyQuery, noQuery, orderIdParams, ordersQuery, priceQuery, symbolParams, tradesQuery } from './schemas.js';

type Query = Record<string, string>;

export function readRoutes(app: FastifyInstance, ctx: ServeContext): void {
  app.get<{ Querystring: Query }>('/orders', { schema: { querystring: ordersQuery } }, async (request) => (await runOrders(request.query, ctx)).json);

  app.get<{ Params: { id: string } }>('/orders/:id', { schema: { params: orderIdParams, querystring: noQuery } }, async (request) =>
    (await runOrder({ orderId: request.params.id }, ctx)).json,
  );

  app.get<{ Params: { symbol: string }; Querystring: Query }>('/books/:symbol', { schema: { params: symbolParams, querystring: bookQuery } }, async (request) => {
    const { depth, orders } = request.query;
    return (await runBook({ symbol: request.params.symbol, ...(depth !== undefined ? { depth } : {}), orders: orders === 'true' }, ctx)).json;
  });

  app.get<{ Querystring: Query }>('/price', { schema: { querystring: priceQuery } }, async (request) => {
    const { symbol, side, amount, partial } = request.query;
    return (await runPrice({ symbol: symbol as string, side: side as string, amount: amount as string, partial: partial === 'true' }, ctx)).json;
  });

  app.get<{ Querystring: Query }>('/trades', { schema: { querystring: tradesQuery } }, async (request) => (await runTrades(request.query, ctx)).json);

  app.get<{ Querystring: Query }>('/history', { schema: { querystring: historyQuery } }, async (request) => (await runHistory(request.query, ctx)).json);
}
