// Idempotency-Key is the operation id (SPEC §2, §7): a replay answers the
// stored result with 200, other parameters are 409, a rejected request is
// not recorded; and concurrent requests share fsyncs (group commit).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempState, type TempState } from '../e2e/helpers.js';
import { call, holdLock, metric, PATIENT_LOCK, startServer, stopServer, until, type RunningServer } from './helpers.js';

let state: TempState;
let server: RunningServer;

beforeAll(async () => {
  state = tempState();
  // The group-commit test holds the lock until every request waits for it.
  server = await startServer(state.state, { globalArgs: PATIENT_LOCK });
});

afterAll(async () => {
  await stopServer(server);
  state.cleanup();
});

describe('Idempotency-Key', () => {
  it('the same key twice: one order; the second answer is 200 with the stored result and replayed: true', async () => {
    const body = { orderId: 1, symbol: 'JPM', side: 'buy', amount: 20, price: '20' };
    const first = await call(server, 'POST', '/orders', { body, key: 'add-1' });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ opId: 'add-1', replayed: false });
    const second = await call(server, 'POST', '/orders', { body, key: 'add-1' });
    expect(second.status).toBe(200);
    expect(second.json).toEqual({ ...first.json, replayed: true });
    expect((await call(server, 'GET', '/orders')).json.orders).toHaveLength(1);
    expect((await call(server, 'GET', '/history')).json.operations.map((operation: any) => operation.opId)).toEqual(['add-1']);
  });

  it('the same key with other parameters is 409 OP_ID_CONFLICT and changes nothing', async () => {
    const reply = await call(server, 'POST', '/orders', { body: { orderId: 2, symbol: 'JPM', side: 'buy', amount: 20, price: '20' }, key: 'add-1' });
    expect(reply.status).toBe(409);
    expect(reply.json.error).toMatchObject({ code: 'OP_ID_CONFLICT', field: 'opId', value: 'add-1' });
    const onTrades = await call(server, 'POST', '/trades', { body: { symbol: 'JPM', side: 'buy', amount: 1 }, key: 'add-1' });
    expect(onTrades.status).toBe(409);
    expect((await call(server, 'GET', '/orders')).json.orders.map((order: any) => order.orderId)).toEqual([1]);
  });

  it('"same parameters" compares canonical values: another spelling of the same trade is a replay', async () => {
    const first = await call(server, 'POST', '/trades', { body: { symbol: 'JPM', side: 'buy', amount: 2 }, key: 'trade-1' });
    expect(first.status).toBe(201);
    const again = await call(server, 'POST', '/trades', { body: { symbol: 'jpm', side: 'B', amount: '2' }, key: 'trade-1' });
    expect(again.status).toBe(200);
    expect(again.json.trade).toEqual(first.json.trade);
    expect((await call(server, 'GET', '/orders/1')).json.order.amount).toBe(18);
  });

  it('a rejected request is not recorded: fixing it and retrying with the same key works', async () => {
    const short = await call(server, 'POST', '/trades', { body: { symbol: 'JPM', side: 'buy', amount: 50 }, key: 'trade-2' });
    expect(short.status).toBe(422);
    expect((await call(server, 'POST', '/orders', { body: { orderId: 3, symbol: 'JPM', side: 'buy', amount: 40, price: '21' } })).status).toBe(201);
    const retried = await call(server, 'POST', '/trades', { body: { symbol: 'JPM', side: 'buy', amount: 50 }, key: 'trade-2' });
    expect(retried.status).toBe(201);
    expect(retried.json.trade.filled).toBe(50);
  });
});

describe('group commit', () => {
  it('requests that arrive while a commit waits are committed together: fewer fsyncs than requests, each answered 201', async () => {
    const before = (await call(server, 'GET', '/metrics')).json as string;
    const release = holdLock(state.state);
    const count = 40;
    let replies: Promise<Awaited<ReturnType<typeof call>>[]>;
    try {
      replies = Promise.all(
        Array.from({ length: count }, (_, i) => call(server, 'POST', '/orders', { body: { orderId: 100 + i, symbol: 'GC', side: 'sell', amount: 1, price: '1' } })),
      );
      await until(async () => metric((await call(server, 'GET', '/metrics')).json, 'oms_pending_commits') === count, 'every request to wait for the commit');
    } finally {
      release();
    }
    for (const reply of await replies) expect(reply.status).toBe(201);
    const after = (await call(server, 'GET', '/metrics')).json as string;
    const fsyncs = metric(after, 'oms_store_fsyncs_total') - metric(before, 'oms_store_fsyncs_total');
    const committed = metric(after, 'oms_committed_requests_total') - metric(before, 'oms_committed_requests_total');
    expect(committed).toBe(count);
    // The first request's write was already waiting for the lock; all the others share the next one.
    expect(fsyncs).toBeLessThanOrEqual(2);
    expect((await call(server, 'GET', '/orders?symbol=GC')).json.orders).toHaveLength(count);
  });
});
