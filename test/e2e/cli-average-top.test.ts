// Average price in `price`/`quote`/`trade` (text and --json) and the best
// bid/ask and spread at the top of `book` (issue 17).

import { describe, expect, it } from 'vitest';
import { ok, oms, useTempStates } from './helpers.js';

const states = useTempStates();

async function text(state: string, args: string[]): Promise<string> {
  const result = await oms(args, { state });
  expect(result.exitCode, String(result.stderr)).toBe(0);
  return String(result.stdout);
}

describe('average price', () => {
  it('price, quote and trade show it under the total and in JSON', async () => {
    const { state } = states.documentState();
    expect(await text(state, ['price', 'JPM', 'buy', '22'])).toMatch(/^Total: 442 for 22\nAverage price: 20\.09090909$/m);
    expect((await ok(state, ['price', 'JPM', 'buy', '22'])).averagePrice).toBe('20.09090909');
    const quote = await ok(state, ['quote', 'JPM', 'buy', '10']);
    expect(quote).toMatchObject({ total: '200', averagePrice: '20', replayed: false });
    expect(await text(state, ['quote', 'JPM', 'buy', '22'])).toContain('Total: 442 for 22\nAverage price: 20.09090909\nExpires at ');
    const trade = await ok(state, ['trade', 'JPM', 'buy', '22']);
    expect(trade.trade.averagePrice).toBe('20.09090909');
    expect((await ok(state, ['trades'])).trades[0].averagePrice).toBe('20.09090909');
    expect(await text(state, ['trade', 'AMZN', 'sell', '7'])).toMatch(/Total: 70 for 7\nAverage price: 10$/m);
  });

  it('nothing filled: no average line, averagePrice null', async () => {
    const { state } = states.documentState();
    expect((await ok(state, ['price', 'NONE', 'buy', '5', '--partial'])).averagePrice).toBeNull();
    expect(await text(state, ['price', 'NONE', 'buy', '5', '--partial'])).not.toContain('Average');
  });
});

describe('top of the book', () => {
  it('best bid, best ask and spread, in text under the heading and in JSON', async () => {
    const { state } = states.documentState();
    await ok(state, ['add', '5', 'JPM', 'sell', '3', '21.75']);
    expect(await ok(state, ['book', 'JPM', '--depth', '1'])).toMatchObject({ bestBid: '21', bestAsk: '21.75', spread: '0.75' });
    const lines = (await text(state, ['book', 'JPM'])).split('\n');
    expect(lines[0]).toBe('JPM (document convention)');
    expect(lines[1]).toBe('Best bid: 21  Best ask: 21.75  Spread: 0.75');
    expect((await text(state, ['book', 'AMZN'])).split('\n')[1]).toBe('Best bid: -  Best ask: 10  Spread: -');
  });
});
