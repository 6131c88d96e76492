// One state driven from a terminal and from HTTP at once (SPEC §7): each
// commit of either side takes the writer lock and catches up with what the
// other wrote, so nothing is lost either way.

import { describe, expect, it } from 'vitest';
import { oms, omsJson } from '../e2e/helpers.js';
import { call, useSharedServer } from './helpers.js';

const shared = useSharedServer();

describe('CLI and server on the same state', () => {
  it('an order added by `oms add` while the server runs shows in GET /orders', async () => {
    const added = await oms(['add', '7', 'IBM', 'sell', '5', '100'], { state: shared.state.state });
    expect(added.exitCode).toBe(0);
    const reply = await call(shared.server, 'GET', '/orders');
    expect(reply.json.orders.map((order: any) => order.orderId)).toEqual([7]);
  });

  it('an order added by POST /orders shows in `oms --json orders`', async () => {
    expect((await call(shared.server, 'POST', '/orders', { body: { orderId: 8, symbol: 'IBM', side: 'sell', amount: 3, price: '99' } })).status).toBe(201);
    const { result, json } = await omsJson(['orders'], { state: shared.state.state });
    expect(result.exitCode).toBe(0);
    expect(json.orders.map((order: any) => order.orderId)).toEqual([7, 8]);
  });

  it('interleaved writes from both sides: every one lands, the order ids stay unique, trades see both', async () => {
    const cli = oms(['--op-id', 'cli-trade', 'trade', 'IBM', 'sell', '4'], { state: shared.state.state });
    const http = call(shared.server, 'POST', '/orders', { body: { orderId: 9, symbol: 'IBM', side: 'sell', amount: 1, price: '98' } });
    expect((await cli).exitCode).toBe(0);
    expect((await http).status).toBe(201);
    const duplicate = await oms(['add', '9', 'IBM', 'sell', '2', '98'], { state: shared.state.state });
    expect(duplicate.exitCode).toBe(3);
    const fromHttp = await call(shared.server, 'POST', '/trades', { body: { symbol: 'IBM', side: 'sell', amount: 1 }, key: 'http-trade' });
    expect(fromHttp.status).toBe(201);
    const { json } = await omsJson(['trades'], { state: shared.state.state });
    expect(json.trades.map((trade: any) => trade.opId).sort()).toEqual(['cli-trade', 'http-trade']);
    const book = await call(shared.server, 'GET', '/books/IBM');
    const volume = book.json.sell.reduce((sum: number, level: any) => sum + Number(level.amount), 0);
    expect(volume).toBe(5 + 3 + 1 - 4 - 1);
    // The replay of a CLI operation through HTTP answers the CLI's result.
    const replay = await call(shared.server, 'POST', '/trades', { body: { symbol: 'IBM', side: 'sell', amount: 4 }, key: 'cli-trade' });
    expect(replay.status).toBe(200);
    expect(replay.json.trade.opId).toBe('cli-trade');
  });
});
