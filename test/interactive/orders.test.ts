// Prompt mode's add, modify and remove, typed as a person would, against a
// real state: the inline messages of the field rules, and what was committed.

import { describe, expect, it } from 'vitest';
import { removeCommand } from '../../src/core/commands.js';
import { tempState, type TempState } from '../e2e/helpers.js';
import { FakeTerminal, KEY } from './harness.js';
import { useSeededSessions } from './sessions.js';
import { commit, liveOrders } from './state.js';

let tmp: TempState;
let term: FakeTerminal;
useSeededSessions((session) => ({ tmp, term } = session));

describe('add', () => {
  it('checks every answer as typed with the field rules, then commits the order', async () => {
    const { done } = await term.start({ state: tmp.state });
    await term.menu('add');

    await term.answer('Order id (5)', 'abc');
    await term.waitFor('orderId: "abc" is not a positive whole number');
    term.press(KEY.ctrlU, '4', KEY.enter);
    await term.waitFor('orderId: "4" is live (JPM Buy 10 @ 21); order ids are never reused');
    term.press(KEY.ctrlU, '7', KEY.enter);

    await term.waitFor('Symbol');
    term.press('bad sym');
    await term.waitFor('symbol: "bad sym" must be 1-16 of A-Z 0-9 . _ - starting with a letter or digit');
    term.press(KEY.ctrlU);
    await term.choose('Symbol', 'ibm', 'a new symbol');

    await term.waitFor('Side');
    term.press(KEY.down, KEY.enter);

    await term.answer('Amount', '0');
    await term.waitFor('amount: "0" must be greater than zero');
    term.press(KEY.ctrlU, '1.5', KEY.enter);
    await term.waitFor('amount: "1.5" is not a positive whole number');
    term.press(KEY.ctrlU, '15', KEY.enter);

    await term.answer('Price', '99.123456789');
    await term.waitFor('price: "99.123456789" has more than 8 decimal places');
    term.press(KEY.ctrlU, '-5', KEY.enter);
    await term.waitFor('price: "-5" is not a plain decimal number');
    term.press(KEY.ctrlU, '99.1250', KEY.enter);

    await term.answer('Source', 'desk-a');
    await term.waitFor('Added order 7: IBM Sell 15 @ 99.125 from "desk-a"');
    await term.menu('quit');
    await term.ended(done);

    const added = (await liveOrders(tmp.state)).find((order) => order.orderId === 7);
    expect(added).toMatchObject({ symbol: 'IBM', side: 'Sell', amount: 15, price: '99.125', source: 'desk-a' });
    expect(term.stdout.text).toContain('Added order 7');
  });

  it('refuses an id used before, naming how it went', async () => {
    await commit(tmp.state, removeCommand({ orderId: 3 }));
    const { done } = await term.start({ state: tmp.state });
    await term.menu('add');
    await term.answer('Order id', '3');
    await term.waitFor('orderId: "3" was used before (order 3 was removed at');
    term.press(KEY.esc);
    await term.waitFor('cancelled with Esc: back to the menu');
    await term.menu('quit');
    await term.ended(done);
    expect((await liveOrders(tmp.state)).map((order) => order.orderId).sort()).toEqual([1, 2, 4]);
  });
});

describe('modify', () => {
  it('offers the live orders, keeps what Enter keeps, and commits the new amount', async () => {
    const { done } = await term.start({ state: tmp.state });
    await term.menu('modify');
    await term.choose('Order to modify', '4', '4  JPM Buy 10 @ 21');
    await term.answer('New amount (0 removes the order) (10)', '-1');
    await term.waitFor('amount: "-1" is not a whole number');
    term.press(KEY.ctrlU, '8', KEY.enter);
    await term.answer('New price (21)', '');
    await term.waitFor('Modified order 4: JPM Buy 8 @ 21');
    await term.menu('quit');
    await term.ended(done);
    expect((await liveOrders(tmp.state)).find((order) => order.orderId === 4)).toMatchObject({ amount: 8, price: '21' });
  });

  it('amount 0 removes the order without asking for a price', async () => {
    const { done } = await term.start({ state: tmp.state });
    await term.menu('modify');
    await term.choose('Order to modify', 'goog', '2  GOOG Sell 12 @ 25');
    await term.answer('New amount', '0');
    await term.waitFor('Removed order 2 (amount set to 0)');
    expect(term.screen()).not.toContain('New price');
    await term.menu('quit');
    await term.ended(done);
    expect((await liveOrders(tmp.state)).map((order) => order.orderId)).not.toContain(2);
  });

  it('shows a rejection inline and goes on: the order was removed by someone else meanwhile', async () => {
    const { done } = await term.start({ state: tmp.state });
    await term.menu('modify');
    await term.choose('Order to modify', '4', '4  JPM Buy 10 @ 21');
    await term.waitFor('New amount');
    await commit(tmp.state, removeCommand({ orderId: 4 }));
    term.press('5', KEY.enter);
    await term.answer('New price', '');
    await term.waitFor('✖ order 4 was removed at');
    await term.menu('quit');
    await term.ended(done);
    expect((await liveOrders(tmp.state)).map((order) => order.orderId)).not.toContain(4);
  });
});

describe('remove', () => {
  it('asks to confirm: no keeps the order, yes removes it', async () => {
    const { done } = await term.start({ state: tmp.state });
    await term.menu('remove');
    await term.choose('Order to remove', '3', '3  AMZN Sell 7 @ 10');
    await term.answer('Remove order 3: AMZN Sell 7 @ 10?', 'n');
    await term.waitFor('nothing removed');
    expect((await liveOrders(tmp.state)).map((order) => order.orderId)).toContain(3);

    await term.menu('remove');
    await term.choose('Order to remove', '3', '3  AMZN Sell 7 @ 10');
    await term.answer('Remove order 3', 'y');
    await term.waitFor('Removed order 3');
    await term.menu('quit');
    await term.ended(done);
    expect((await liveOrders(tmp.state)).map((order) => order.orderId)).not.toContain(3);
  });

  it('says so when there is nothing to pick', async () => {
    const empty = tempState();
    try {
      const { done } = await term.start({ state: empty.state });
      await term.menu('remove');
      await term.waitFor('no live orders to remove');
      await term.menu('quit');
      await term.ended(done);
    } finally {
      empty.cleanup();
    }
  });
});
