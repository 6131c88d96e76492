// GET /quotes and GET /quotes/:id, and GET /orders paging (issue 17): the
// same documents as `oms --json quotes` / `orders --limit --offset`, 404
// QUOTE_NOT_FOUND, query values checked.

import { describe, expect, it } from 'vitest';
import { quoteCommand, tradeQuoteCommand } from '../../src/core/commands.js';
import { documentApp } from '../app/helpers.js';
import { get, injectable } from './inject.js';

describe('GET /quotes', () => {
  it('lists and shows quotes with their status and trade', async () => {
    const oms = await documentApp();
    await oms.execute(quoteCommand({ symbol: 'JPM', side: 'Buy', amount: 22, client: 'acme', ttl: 60 }));
    await oms.execute(quoteCommand({ symbol: 'JPM', side: 'Buy', amount: 2, ttl: 60 }));
    await oms.execute(tradeQuoteCommand({ quoteId: 1 }));
    const app = injectable(oms);
    const list = await get(app, '/quotes');
    expect(list.status).toBe(200);
    expect(list.json.quotes.map((q: any) => [q.quoteId, q.status])).toEqual([
      [2, 'open'],
      [1, 'used'],
    ]);
    expect((await get(app, '/quotes?status=open&limit=5')).json.quotes.map((q: any) => q.quoteId)).toEqual([2]);
    const one = await get(app, '/quotes/1');
    expect(one.status).toBe(200);
    expect(one.json).toMatchObject({ quoteId: 1, client: 'acme', status: 'used', trade: { tradeId: 1, quoteId: 1 } });
    const missing = await get(app, '/quotes/7');
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('QUOTE_NOT_FOUND');
    const bad = await get(app, '/quotes?status=maybe');
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'status' });
  });
});

describe('GET /orders paging', () => {
  it('limit and offset give a window and the total; without them the list is as before', async () => {
    const app = injectable(await documentApp());
    expect(Object.keys((await get(app, '/orders')).json)).toEqual(['orders']);
    const page = await get(app, '/orders?limit=2&offset=1');
    expect(page.status).toBe(200);
    expect(page.json).toMatchObject({ total: 4, offset: 1, limit: 2 });
    expect(page.json.orders.map((o: any) => o.orderId)).toEqual([2, 1]);
    expect((await get(app, '/orders?offset=3&symbol=jpm')).json).toMatchObject({ orders: [], total: 2, offset: 3, limit: null });
    const bad = await get(app, '/orders?limit=none');
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe('limit');
  });
});
