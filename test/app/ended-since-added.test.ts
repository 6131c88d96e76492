// Re-adding an order that has since left the book is still a replay (exit 0,
// same result), but the application says how it left, so a rerun does not
// read as "the order is in the book" (issue 17).

import { describe, expect, it } from 'vitest';
import { addCommand, removeCommand, tradeCommand } from '../../src/core/commands.js';
import { documentApp } from './helpers.js';

const readd = (orderId: string, symbol: string, side: string, amount: string, price: string) => addCommand({ orderId, symbol, side, amount, price });

describe('endedSinceAdded', () => {
  it('is undefined for a new add and for a replay of a live order', async () => {
    const oms = await documentApp();
    const fresh = await oms.execute(readd('9', 'JPM', 'Buy', '1', '1'));
    expect(await oms.endedSinceAdded(fresh)).toBeUndefined();
    const replay = await oms.execute(readd('1', 'JPM', 'Buy', '20', '20'));
    expect(replay.status).toBe('replayed');
    expect(await oms.endedSinceAdded(replay)).toBeUndefined();
  });

  it('names the trade that filled the order', async () => {
    const oms = await documentApp();
    await oms.execute(tradeCommand({ symbol: 'AMZN', side: 'Sell', amount: '7' }));
    const replay = await oms.execute(readd('3', 'AMZN', 'Sell', '7', '10'));
    expect(replay.status).toBe('replayed');
    const ended = await oms.endedSinceAdded(replay);
    expect(ended).toMatchObject({ status: 'filled', endedBy: { tradeId: 1 } });
    expect(ended?.how).toMatch(/^order 3 was filled by trade 1 at /);
  });

  it('says it was removed', async () => {
    const oms = await documentApp();
    await oms.execute(removeCommand({ orderId: '2' }));
    const ended = await oms.endedSinceAdded(await oms.execute(readd('2', 'GOOG', 'Sell', '12', '25')));
    expect(ended).toMatchObject({ status: 'removed', endedBy: { tradeId: null } });
    expect(ended?.how).toMatch(/^order 2 was removed at /);
  });
});
