// A page of live orders (issue 17): the same order as the full list, a
// window of it, and the total that match the filters.

import { describe, expect, it } from 'vitest';
import { addCommand } from '../../src/core/commands.js';
import { documentApp } from './helpers.js';

describe('ordersPage', () => {
  it('windows the full list and counts every match', async () => {
    const oms = await documentApp();
    await oms.execute(addCommand({ orderId: 5, symbol: 'JPM', side: 'Sell', amount: 1, price: '30' }));
    const all = (await oms.orders()).map((order) => order.orderId);
    expect(all).toEqual([3, 2, 1, 4, 5]);
    expect(await oms.ordersPage({ limit: '2', offset: '1' })).toMatchObject({ total: 5, offset: 1, limit: 2 });
    expect((await oms.ordersPage({ limit: '2', offset: '1' })).orders.map((o) => o.orderId)).toEqual([2, 1]);
    expect((await oms.ordersPage({ offset: '3' })).orders.map((o) => o.orderId)).toEqual([4, 5]);
    expect(await oms.ordersPage({ offset: '9' })).toMatchObject({ orders: [], total: 5, limit: null });
    const jpmBuy = await oms.ordersPage({ symbol: 'jpm', side: 'b', limit: '1' });
    expect(jpmBuy).toMatchObject({ total: 2, offset: 0, limit: 1 });
    expect(jpmBuy.orders.map((o) => o.orderId)).toEqual([1]);
  });

  it('checks limit and offset', async () => {
    const oms = await documentApp();
    await expect(oms.ordersPage({ limit: '0' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'limit' } });
    await expect(oms.ordersPage({ offset: '-1' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'offset' } });
  });
});
