// Every route of SPEC §7 through a real `oms serve` over real HTTP: the happy
// path of each with its --json shape, and each status code the API promises
// (503 and 500 have their own files: they need a held lock, a vanished
// state or a broken store).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempState, type TempState } from '../e2e/helpers.js';
import { call, startServer, stopServer, type RunningServer } from './helpers.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const ORDER_KEYS = ['orderId', 'symbol', 'side', 'amount', 'price', 'source', 'acceptedAt'];
const EXECUTION_KEYS = ['symbol', 'side', 'requested', 'filled', 'total', 'partial', 'fills', 'averagePrice'];
const TRADE_KEYS = [...EXECUTION_KEYS, 'tradeId', 'client', 'quoteId', 'opId', 'executedAt'];

let state: TempState;
let server: RunningServer;

beforeAll(async () => {
  state = tempState();
  server = await startServer(state.state);
  // The requirement document's book (SPEC §1).
  for (const [orderId, symbol, side, amount, price] of [
    [1, 'JPM', 'Buy', 20, '20'],
    [2, 'GOOG', 'Sell', 12, '25'],
    [3, 'AMZN', 'Sell', 7, '10'],
    [4, 'JPM', 'Buy', 10, '21'],
  ] as const) {
    const reply = await call(server, 'POST', '/orders', { body: { orderId, symbol, side, amount, price } });
    expect(reply.status).toBe(201);
  }
});

afterAll(async () => {
  await stopServer(server);
  state.cleanup();
});

function expectKeys(value: Record<string, unknown>, keys: string[]): void {
  expect(Object.keys(value).sort()).toEqual([...keys].sort());
}

function expectError(reply: { status: number; json: any }, status: number, code: string): any {
  expect(reply.status, JSON.stringify(reply.json)).toBe(status);
  expect(reply.json.error.code).toBe(code);
  expect(typeof reply.json.error.message).toBe('string');
  expect(reply.json.error.message).not.toContain('\n');
  return reply.json.error;
}

describe('happy paths', () => {
  it('POST /orders adds (201) in the mutation shape, symbol and side canonical', async () => {
    const reply = await call(server, 'POST', '/orders', { body: { orderId: '10', symbol: 'ibm', side: 's', amount: '5', price: '100.50', source: 'desk-a' } });
    expect(reply.status).toBe(201);
    expect(reply.headers.get('content-type')).toContain('application/json');
    expectKeys(reply.json, ['opId', 'replayed', 'order']);
    expect(reply.json.replayed).toBe(false);
    expectKeys(reply.json.order, ORDER_KEYS);
    expect(reply.json.order).toMatchObject({ orderId: 10, symbol: 'IBM', side: 'Sell', amount: 5, price: '100.5', source: 'desk-a' });
    expect(reply.json.order.acceptedAt).toMatch(ISO);
  });

  it('GET /orders lists live orders in book priority order, symbols A-Z, with filters', async () => {
    const all = await call(server, 'GET', '/orders');
    expect(all.status).toBe(200);
    expectKeys(all.json, ['orders']);
    expect(all.json.orders.map((order: any) => order.orderId)).toEqual([3, 2, 10, 1, 4]);
    for (const order of all.json.orders) expectKeys(order, ORDER_KEYS);
    const jpm = await call(server, 'GET', '/orders?symbol=jpm&side=buy');
    expect(jpm.json.orders.map((order: any) => order.orderId)).toEqual([1, 4]);
  });

  it('GET /orders/:id shows one order, live or how it went', async () => {
    const reply = await call(server, 'GET', '/orders/4');
    expect(reply.status).toBe(200);
    expect(reply.json.status).toBe('live');
    expectKeys(reply.json.order, ORDER_KEYS);
    expect(reply.json.order).toMatchObject({ orderId: 4, symbol: 'JPM', side: 'Buy', amount: 10, price: '21', source: null });
  });

  it('GET /books/:symbol gives both sides by level, with depth and orders', async () => {
    const reply = await call(server, 'GET', '/books/JPM');
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      symbol: 'JPM',
      convention: 'document',
      bestBid: '21',
      bestAsk: null,
      spread: null,
      buy: [
        { price: '20', amount: '20', orderCount: 1 },
        { price: '21', amount: '10', orderCount: 1 },
      ],
      sell: [],
    });
    const deep = await call(server, 'GET', '/books/jpm?depth=1&orders=true');
    expect(deep.json.buy).toHaveLength(1);
    expect(deep.json.buy[0].orders.map((order: any) => order.orderId)).toEqual([1]);
  });

  it('GET /price is the document\'s calculatePrice, read-only', async () => {
    for (const [amount, total] of [
      [20, '400'],
      [10, '200'],
      [22, '442'],
    ] as const) {
      const reply = await call(server, 'GET', `/price?symbol=JPM&side=Buy&amount=${amount}`);
      expect(reply.status).toBe(200);
      expectKeys(reply.json, EXECUTION_KEYS);
      expect(reply.json.total).toBe(total);
    }
    const partial = await call(server, 'GET', '/price?symbol=JPM&side=buy&amount=50&partial=true');
    expect(partial.json).toMatchObject({ requested: 50, filled: 30, total: '610', partial: true });
  });

  it('POST /quotes stores a quote (201) and POST /trades {quoteId} executes it (201)', async () => {
    const quote = await call(server, 'POST', '/quotes', { body: { symbol: 'JPM', side: 'buy', amount: 22, client: 'acme', ttl: 300 } });
    expect(quote.status).toBe(201);
    expectKeys(quote.json, [...EXECUTION_KEYS, 'quoteId', 'opId', 'client', 'expiresAt', 'replayed']);
    expect(quote.json).toMatchObject({ total: '442', client: 'acme', replayed: false });
    const trade = await call(server, 'POST', '/trades', { body: { quoteId: quote.json.quoteId } });
    expect(trade.status).toBe(201);
    expectKeys(trade.json, ['opId', 'replayed', 'trade']);
    expect(trade.json.opId).toBe(`quote:${quote.json.quoteId}`);
    expectKeys(trade.json.trade, TRADE_KEYS);
    expect(trade.json.trade).toMatchObject({ total: '442', filled: 22, client: 'acme', quoteId: quote.json.quoteId });
    const again = await call(server, 'POST', '/trades', { body: { quoteId: quote.json.quoteId } });
    expect(again.status).toBe(200);
    expect(again.json.replayed).toBe(true);
    expect(again.json.trade.tradeId).toBe(trade.json.trade.tradeId);
  });

  it('POST /trades trades now (201); the emptied order is gone from the book', async () => {
    const reply = await call(server, 'POST', '/trades', { body: { symbol: 'AMZN', side: 'sell', amount: 7, client: 'beta' } });
    expect(reply.status).toBe(201);
    expect(reply.json.trade).toMatchObject({ symbol: 'AMZN', side: 'Sell', filled: 7, total: '70', quoteId: null, client: 'beta' });
    expect(reply.json.trade.executedAt).toMatch(ISO);
    const order = await call(server, 'GET', '/orders/3');
    expect(order.json).toMatchObject({ status: 'filled', endedBy: { tradeId: reply.json.trade.tradeId } });
  });

  it('GET /trades lists trades newest first, with filters and limit', async () => {
    const reply = await call(server, 'GET', '/trades');
    expect(reply.status).toBe(200);
    expectKeys(reply.json, ['trades']);
    expect(reply.json.trades.map((trade: any) => trade.symbol)).toEqual(['AMZN', 'JPM']);
    for (const trade of reply.json.trades) expectKeys(trade, TRADE_KEYS);
    expect((await call(server, 'GET', '/trades?client=acme')).json.trades.map((trade: any) => trade.symbol)).toEqual(['JPM']);
    expect((await call(server, 'GET', '/trades?symbol=amzn&limit=1')).json.trades).toHaveLength(1);
  });

  it('PATCH /orders/:id modifies (200); amount 0 removes', async () => {
    const reply = await call(server, 'PATCH', '/orders/10', { body: { amount: 3, price: '101' } });
    expect(reply.status).toBe(200);
    expectKeys(reply.json, ['opId', 'replayed', 'order', 'removed']);
    expect(reply.json.order).toMatchObject({ orderId: 10, amount: 3, price: '101' });
    const zero = await call(server, 'PATCH', '/orders/10', { body: { amount: '0' } });
    expect(zero.json).toMatchObject({ order: null, removed: true });
  });

  it('DELETE /orders/:id removes (200); an order already gone is removed: false', async () => {
    const reply = await call(server, 'DELETE', '/orders/2');
    expect(reply.status).toBe(200);
    expectKeys(reply.json, ['opId', 'replayed', 'removed']);
    expect(reply.json.removed).toBe(true);
    const again = await call(server, 'DELETE', '/orders/2');
    expect(again.status).toBe(200);
    expect(again.json.removed).toBe(false);
  });

  it('GET /history lists operations newest first', async () => {
    const reply = await call(server, 'GET', '/history?limit=3');
    expect(reply.status).toBe(200);
    expect(reply.json.operations).toHaveLength(3);
    const [newest] = reply.json.operations;
    expectKeys(newest, ['seq', 'opId', 'at', 'command', 'result']);
    expect(newest.command).toEqual({ type: 'remove', orderId: 2 });
    expect(reply.json.operations[0].seq).toBeGreaterThan(reply.json.operations[1].seq);
  });

  it('GET /healthz and GET /metrics', async () => {
    const health = await call(server, 'GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.json).toEqual({ status: 'ok' });
    const metrics = await call(server, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.json).toMatch(/^oms_http_requests_total\{method="POST",route="\/orders",status="201"\} [1-9]\d*$/m);
    expect(metrics.json).toMatch(/^# TYPE oms_http_request_duration_seconds histogram$/m);
    expect(metrics.json).toMatch(/^oms_http_request_duration_seconds_bucket\{method="GET",route="\/price",le="\+Inf"\} [1-9]\d*$/m);
    expect(metrics.json).toMatch(/^oms_store_fsyncs_total [1-9]\d*$/m);
    expect(metrics.json).toMatch(/^oms_store_commits_total [1-9]\d*$/m);
    expect(metrics.json).toMatch(/^oms_live_orders 1$/m);
  });

  it('logs one JSON line per request on stderr: method, route, status, ms, opId', async () => {
    const reply = await call(server, 'POST', '/orders', { body: { orderId: 20, symbol: 'LOG', side: 'buy', amount: 1, price: '1' }, key: 'log-line' });
    expect(reply.status).toBe(201);
    const line = await server.waitForLog((entry) => entry.msg === 'request' && entry['opId'] === 'log-line');
    expect(line).toMatchObject({ level: 'info', method: 'POST', route: '/orders', status: 201 });
    expect(typeof line['ms']).toBe('number');
  });
});

describe('status codes', () => {
  it('400 INVALID_ARGUMENT: unknown fields, wrong JSON types and bad values, naming the field', async () => {
    const unknown = expectError(await call(server, 'POST', '/orders', { body: { orderId: 30, symbol: 'X', side: 'buy', amount: 1, price: '1', colour: 'red' } }), 400, 'INVALID_ARGUMENT');
    expect(unknown.field).toBe('colour');
    const floatPrice = expectError(await call(server, 'POST', '/orders', { body: { orderId: 30, symbol: 'X', side: 'buy', amount: 1, price: 1.5 } }), 400, 'INVALID_ARGUMENT');
    expect(floatPrice).toMatchObject({ field: 'price', value: '1.5' });
    const side = expectError(await call(server, 'POST', '/orders', { body: { orderId: 30, symbol: 'X', side: 'up', amount: 1, price: '1' } }), 400, 'INVALID_ARGUMENT');
    expect(side).toMatchObject({ field: 'side', value: 'up' });
    const missing = expectError(await call(server, 'POST', '/quotes', { body: { symbol: 'JPM', side: 'buy' } }), 400, 'INVALID_ARGUMENT');
    expect(missing.field).toBe('amount');
    const query = expectError(await call(server, 'GET', '/price?symbol=JPM&side=buy&amount=-1'), 400, 'INVALID_ARGUMENT');
    expect(query.field).toBe('amount');
    const queryField = expectError(await call(server, 'GET', '/trades?sort=asc'), 400, 'INVALID_ARGUMENT');
    expect(queryField.field).toBe('sort');
    const path = expectError(await call(server, 'GET', '/orders/abc'), 400, 'INVALID_ARGUMENT');
    expect(path.field).toBe('orderId');
    expectError(await call(server, 'PATCH', '/orders/1', { body: {} }), 400, 'INVALID_ARGUMENT');
    expectError(await call(server, 'POST', '/orders', { rawBody: '{"orderId": 1,' }), 400, 'INVALID_ARGUMENT');
    const both = expectError(await call(server, 'POST', '/trades', { body: { quoteId: 1, amount: 5 } }), 400, 'INVALID_ARGUMENT');
    expect(both.field).toBe('amount');
    const key = expectError(await call(server, 'POST', '/orders', { body: { orderId: 31, symbol: 'X', side: 'buy', amount: 1, price: '1' }, key: 'k'.repeat(129) }), 400, 'INVALID_ARGUMENT');
    expect(key.field).toBe('Idempotency-Key');
    expect((await call(server, 'GET', '/orders/31')).status).toBe(404);
  });

  it('404: ORDER_NOT_FOUND, QUOTE_NOT_FOUND, and an unknown route', async () => {
    expectError(await call(server, 'GET', '/orders/999'), 404, 'ORDER_NOT_FOUND');
    expectError(await call(server, 'PATCH', '/orders/999', { body: { amount: 1 } }), 404, 'ORDER_NOT_FOUND');
    expectError(await call(server, 'DELETE', '/orders/999'), 404, 'ORDER_NOT_FOUND');
    expectError(await call(server, 'POST', '/trades', { body: { quoteId: 999 } }), 404, 'QUOTE_NOT_FOUND');
    const route = expectError(await call(server, 'GET', '/nowhere'), 404, 'INVALID_ARGUMENT');
    expect(route.field).toBe('route');
  });

  it('409: DUPLICATE_ORDER_ID, OP_ID_CONFLICT, QUOTE_USED, PRICE_MOVED', async () => {
    expectError(await call(server, 'POST', '/orders', { body: { orderId: 1, symbol: 'JPM', side: 'buy', amount: 99, price: '20' } }), 409, 'DUPLICATE_ORDER_ID');

    expect((await call(server, 'POST', '/orders', { body: { orderId: 40, symbol: 'Q', side: 'buy', amount: 10, price: '5' }, key: 'k-409' })).status).toBe(201);
    expectError(await call(server, 'POST', '/orders', { body: { orderId: 41, symbol: 'Q', side: 'buy', amount: 10, price: '5' }, key: 'k-409' }), 409, 'OP_ID_CONFLICT');

    const used = await call(server, 'POST', '/quotes', { body: { symbol: 'Q', side: 'buy', amount: 1 } });
    expect((await call(server, 'POST', '/trades', { body: { quoteId: used.json.quoteId } })).status).toBe(201);
    expectError(await call(server, 'POST', '/trades', { body: { quoteId: used.json.quoteId }, key: 'another-key' }), 409, 'QUOTE_USED');

    const moved = await call(server, 'POST', '/quotes', { body: { symbol: 'Q', side: 'buy', amount: 5 } });
    expect((await call(server, 'PATCH', '/orders/40', { body: { price: '6' } })).status).toBe(200);
    expectError(await call(server, 'POST', '/trades', { body: { quoteId: moved.json.quoteId } }), 409, 'PRICE_MOVED');
  });

  it('410 QUOTE_EXPIRED', async () => {
    const quote = await call(server, 'POST', '/quotes', { body: { symbol: 'Q', side: 'buy', amount: 1, ttl: '1' } });
    expect(quote.status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, Date.parse(quote.json.expiresAt) - Date.now() + 50));
    expectError(await call(server, 'POST', '/trades', { body: { quoteId: quote.json.quoteId } }), 410, 'QUOTE_EXPIRED');
  });

  it('422 INSUFFICIENT_LIQUIDITY, reporting what is available', async () => {
    const priced = expectError(await call(server, 'GET', '/price?symbol=JPM&side=buy&amount=1000'), 422, 'INSUFFICIENT_LIQUIDITY');
    expect(priced.available).toBe('8');
    const traded = expectError(await call(server, 'POST', '/trades', { body: { symbol: 'NONE', side: 'sell', amount: 1 } }), 422, 'INSUFFICIENT_LIQUIDITY');
    expect(traded.available).toBe('0');
  });

  it('415 for a body that is not JSON', async () => {
    const reply = await call(server, 'POST', '/orders', { rawBody: 'orderId=60', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(expectError(reply, 415, 'INVALID_ARGUMENT').field).toBe('content-type');
  });

  it('413 for a body over 64 KiB, and nothing is added', async () => {
    const reply = await call(server, 'POST', '/orders', { body: { orderId: 50, symbol: 'BIG', side: 'buy', amount: 1, price: '1', source: 'x'.repeat(70_000) } });
    const error = expectError(reply, 413, 'INVALID_ARGUMENT');
    expect(error.field).toBe('body');
    expect((await call(server, 'GET', '/orders/50')).status).toBe(404);
  });
});
