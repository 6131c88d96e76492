// Prompt mode's quote and trade against a real state: a trade is a stored
// quote, shown, confirmed and then executed, so a book that moved in between
// is refused cleanly and nothing trades.

import { describe, expect, it, vi } from 'vitest';
import { addCommand } from '../../src/core/commands.js';
import type { TempState } from '../e2e/helpers.js';
import { FakeTerminal, KEY } from './harness.js';
import { storeAQuote, useSeededSessions } from './sessions.js';
import { commit, liveOrders, quotes, trades } from './state.js';

let tmp: TempState;
let term: FakeTerminal;
useSeededSessions((session) => ({ tmp, term } = session));

/** Menu → trade → JPM, Buy, amount, no client. */
async function askTrade(amount: string): Promise<void> {
  await term.menu('trade');
  await term.choose('Symbol to trade', 'jpm', 'JPM');
  await term.waitFor('walks the Buy side: 30 available');
  term.press('b', KEY.enter);
  await term.answer('Amount', amount);
  await term.answer('Client', '');
}

describe('quote', () => {
  it('stores a quote with its client and time to live, and shows the fills and total', async () => {
    await storeAQuote(tmp.state, term);
    expect(term.stdout.text).toMatch(/20 +│ +20 +│ +1 +│ +400/);
  });
});

describe('trade', () => {
  it('quotes, shows the quote, and on yes trades exactly that quote', async () => {
    const { done } = await term.start({ state: tmp.state });
    await askTrade('22');
    await term.waitFor('Quote 1: JPM Buy 22');
    await term.waitFor('Total: 442 for 22');
    await term.answer('Trade quote 1: JPM Buy 22 for 442?', 'y');
    await term.waitFor('Trade 1 (quote 1): JPM Buy 22');
    await term.menu('quit');
    await term.ended(done);

    const [trade] = await trades(tmp.state);
    expect(trade).toMatchObject({ tradeId: 1, quoteId: 1, requested: 22, filled: 22, total: '442', opId: 'quote:1' });
    expect(trade?.fills).toEqual([
      { orderId: 1, amount: 20, price: '20' },
      { orderId: 4, amount: 2, price: '21' },
    ]);
    const jpm = (await liveOrders(tmp.state)).filter((order) => order.symbol === 'JPM');
    expect(jpm).toMatchObject([{ orderId: 4, amount: 8 }]);
  });

  it('on no trades nothing and says the quote can still be traded', async () => {
    const { done } = await term.start({ state: tmp.state });
    await askTrade('10');
    await term.answer('Trade quote 1', 'n');
    await term.waitFor('not traded; quote 1 can still be traded until');
    await term.menu('quit');
    await term.ended(done);
    expect(await trades(tmp.state)).toEqual([]);
    expect(await quotes(tmp.state)).toBe(1);
  });

  it('refuses cleanly when the book moved between the quote and the yes', async () => {
    const { done } = await term.start({ state: tmp.state });
    await askTrade('22');
    await term.waitFor('Trade quote 1');
    // Another writer adds a cheaper order: the same request now costs less.
    await commit(tmp.state, addCommand({ orderId: 9, symbol: 'JPM', side: 'Buy', amount: 5, price: 1 }));
    term.press('y', KEY.enter);
    await term.waitFor('✖ quote 1 was 22 for 442; the book now gives 22 for 345');
    await term.waitFor('nothing was traded');
    await term.menu('quit');
    await term.ended(done);

    expect(await trades(tmp.state)).toEqual([]);
    expect((await liveOrders(tmp.state)).filter((order) => order.symbol === 'JPM').map((order) => [order.orderId, order.amount])).toEqual([
      [9, 5],
      [1, 20],
      [4, 10],
    ]);
  });

  it('refuses cleanly when the quote expired before the yes', async () => {
    // Only the clock is faked (the session's store is created after this and takes it); timers stay real.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const { done } = await term.start({ state: tmp.state });
      await askTrade('22');
      await term.waitFor('Trade quote 1');
      vi.setSystemTime(Date.now() + 61_000);
      term.press('y', KEY.enter);
      await term.waitFor('✖ quote 1 expired at');
      await term.waitFor('nothing was traded');
      await term.menu('quit');
      await term.ended(done);
    } finally {
      vi.useRealTimers();
    }
    expect(await trades(tmp.state)).toEqual([]);
    expect((await liveOrders(tmp.state)).filter((order) => order.symbol === 'JPM')).toHaveLength(2);
  });

  it('offers a partial quote when the book holds less than asked', async () => {
    const { done } = await term.start({ state: tmp.state });
    await askTrade('40');
    await term.waitFor('✖ JPM Buy 40: only 30 available');
    await term.answer('Quote the 30 available instead (a partial fill)?', 'y');
    await term.waitFor('(partial: 30 of 40)');
    await term.answer('Trade quote 1: JPM Buy 30 for 610?', 'y');
    await term.waitFor('Trade 1 (quote 1)');
    await term.menu('quit');
    await term.ended(done);

    expect(await trades(tmp.state)).toMatchObject([{ requested: 40, filled: 30, total: '610', partial: true }]);
    expect((await liveOrders(tmp.state)).filter((order) => order.symbol === 'JPM')).toEqual([]);
  });

  it('a symbol with nothing on its side is refused inline and the menu goes on', async () => {
    const { done } = await term.start({ state: tmp.state });
    await term.menu('trade');
    await term.choose('Symbol to trade', 'msft', 'no orders for this symbol yet');
    await term.waitFor('walks the Buy side: 0 available');
    term.press(KEY.enter);
    await term.answer('Amount', '5');
    await term.answer('Client', '');
    await term.waitFor('✖ MSFT Buy 5: only 0 available');
    await term.menu('quit');
    await term.ended(done);
    expect(await quotes(tmp.state)).toBe(0);
  });
});
