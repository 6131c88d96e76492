// Each question on its own, rendered by @inquirer/testing with the real
// prompts: the inline message is the field rule's, word for word, and what
// the state holds is offered.

import { render } from '@inquirer/testing';
import { input, search, select } from '@inquirer/prompts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeCommand } from '../../src/core/commands.js';
import { PLAIN_THEME } from '../../src/text/theme.js';
import { openStore } from '../../src/store/open.js';
import type { StateStore, StateView } from '../../src/store/store.js';
import {
  amountQuestion,
  liveOrderQuestion,
  newAmountQuestion,
  newOrderIdQuestion,
  priceQuestion,
  sideQuestion,
  symbolQuestion,
  textQuestion,
  ttlQuestion,
} from '../../src/interactive/questions.js';
import { tempState, type TempState } from '../e2e/helpers.js';
import { commit, seed } from './state.js';

const plain = PLAIN_THEME;
let tmp: TempState;
let store: StateStore;
let ledger: StateView;

beforeEach(async () => {
  tmp = tempState();
  await seed(tmp.state);
  await commit(tmp.state, removeCommand({ orderId: 3 }));
  store = await openStore(tmp.state);
  ledger = await store.read();
});
afterEach(async () => {
  await store.close();
  tmp.cleanup();
});

/** Types a wrong answer, reads the message, then a right one and returns the answer. */
async function typed(question: Parameters<typeof input>[0], wrong: string, right: string): Promise<{ message: string; answer: string }> {
  const { answer, events, getScreen, nextRender } = await render(input, question);
  events.type(wrong);
  events.keypress('enter');
  await nextRender();
  const message = getScreen();
  events.keypress({ name: 'u', ctrl: true });
  events.type(right);
  events.keypress('enter');
  return { message, answer: await answer };
}

describe('typed answers are checked by the field rules', () => {
  it.each([
    ['amount', amountQuestion('Amount'), '12x', 'amount: "12x" is not a positive whole number', '12'],
    ['amount beyond 2^53-1', amountQuestion('Amount'), '9007199254740992', 'amount: "9007199254740992" is above 2^53-1', '9007199254740991'],
    ['new amount', newAmountQuestion(10), '-3', 'amount: "-3" is not a whole number', '0'],
    ['price', priceQuestion('Price'), '20.123456789', 'price: "20.123456789" has more than 8 decimal places', '20.12345678'],
    ['price with an exponent', priceQuestion('Price'), '1e3', 'price: "1e3" is not a plain decimal number (digits with an optional point)', '1000'],
    ['source', textQuestion('source', 'Source'), 'x'.repeat(65), `source: "${'x'.repeat(40)}…" is longer than 64 characters`, 'desk-a'],
    ['ttl', ttlQuestion(60), '700000', 'ttl: "700000" is above 604800 seconds (7 days)', '300'],
  ])('%s', async (_name, question, wrong, message, right) => {
    const result = await typed(question, wrong, right);
    expect(result.message).toContain(`> ${message}`);
    expect(result.answer).toBe(right);
  });

  it('a new order id: live and used ids are refused with how they went, the default is free', async () => {
    const question = await newOrderIdQuestion(ledger);
    expect(question.default).toBe('5');
    expect((await typed(question, '4', '5')).message).toContain('> orderId: "4" is live (JPM Buy 10 @ 21); order ids are never reused');
    expect((await typed(question, '3', '5')).message).toContain('> orderId: "3" was used before (order 3 was removed at');
  });
});

describe('choices come from the state', () => {
  it('symbols: the known ones matching what is typed, then what is typed as a new one', async () => {
    const { answer, events, getScreen, nextRender } = await render(search, symbolQuestion(ledger, 'Symbol', 'a new symbol'));
    await nextRender();
    expect(getScreen()).toMatch(/AMZN[\s\S]*GOOG[\s\S]*JPM/);
    events.type('o');
    await nextRender();
    expect(getScreen()).toContain('GOOG');
    expect(getScreen()).not.toContain('JPM');
    events.keypress({ name: 'u', ctrl: true });
    events.type('new sym');
    await nextRender();
    expect(getScreen()).toContain('symbol: "new sym" must be 1-16 of A-Z 0-9 . _ - starting with a letter or digit');
    events.keypress('enter');
    await nextRender();
    expect(getScreen()).toContain('> symbol: "new sym" must be 1-16');
    events.keypress({ name: 'u', ctrl: true });
    events.type('ibm');
    await nextRender();
    expect(getScreen()).toContain('a new symbol');
    events.keypress('enter');
    await expect(answer).resolves.toBe('ibm');
  });

  it('live orders: by the start of the id or of the symbol, gone orders not offered', async () => {
    const { answer, events, getScreen, nextRender } = await render(search, liveOrderQuestion(ledger, plain, 'Order'));
    await nextRender();
    expect(getScreen()).toContain('1  JPM Buy 20 @ 20');
    expect(getScreen()).not.toContain('AMZN');
    events.type('go');
    await nextRender();
    expect(getScreen()).toContain('2  GOOG Sell 12 @ 25');
    expect(getScreen()).not.toContain('JPM');
    events.keypress('enter');
    await expect(answer).resolves.toBe(2);
  });

  it('sides: Buy and Sell, picked by typing their first letter', async () => {
    const { answer, events, getScreen } = await render(select, sideQuestion('Side', (side) => `${side} note`));
    expect(getScreen()).toContain('Buy note');
    events.type('s');
    events.keypress('enter');
    await expect(answer).resolves.toBe('Sell');
  });
});
