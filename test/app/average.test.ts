// The average price next to a total (issue 17): total ÷ filled to 8
// decimals, half to even, canonical; null when nothing filled. And the top of
// a book: best bid (highest Buy), best ask (lowest Sell), spread.

import { describe, expect, it } from 'vitest';
import { averagePrice, withAverage } from '../../src/app/average.js';
import { priceJson } from '../../src/app/json.js';
import { addCommand } from '../../src/core/commands.js';
import { documentApp, freshApp } from './helpers.js';

describe('averagePrice', () => {
  it('is exact when the quotient is', () => {
    expect(averagePrice('400', 20)).toBe('20');
    expect(averagePrice('20.5', 2)).toBe('10.25');
    expect(averagePrice('0.00000003', 3)).toBe('0.00000001');
  });

  it('rounds to 8 decimals, half to even', () => {
    expect(averagePrice('442', 22)).toBe('20.09090909');
    expect(averagePrice('2', 3)).toBe('0.66666667');
    // exactly half a unit: to the even neighbour
    expect(averagePrice('0.00000001', 2)).toBe('0');
    expect(averagePrice('0.00000003', 2)).toBe('0.00000002');
    expect(averagePrice('0.00000005', 2)).toBe('0.00000002');
  });

  it('stays exact past 2^53', () => {
    expect(averagePrice('90071992547409910000000', 1000000000000000)).toBe('90071992.54740991');
    expect(averagePrice('123456789012345678901234567.5', 1)).toBe('123456789012345678901234567.5');
  });

  it('is null when nothing filled, and is added after the fields it derives from', () => {
    expect(averagePrice('0', 0)).toBeNull();
    expect(Object.keys(withAverage({ total: '1', filled: 1, partial: false }))).toEqual(['total', 'filled', 'partial', 'averagePrice']);
  });

  it('is in the price JSON', async () => {
    const oms = await documentApp();
    expect(priceJson(await oms.price({ symbol: 'JPM', side: 'buy', amount: '22' }))).toMatchObject({ total: '442', averagePrice: '20.09090909' });
  });
});

describe('top of the book', () => {
  it('best bid is the highest Buy and best ask the lowest Sell, whatever the walk order and depth', async () => {
    const oms = await freshApp();
    const orders: Array<[string, string, string]> = [
      ['1', 'Buy', '20'],
      ['2', 'Buy', '21.5'],
      ['3', 'Buy', '19'],
      ['4', 'Sell', '23'],
      ['5', 'Sell', '22.25'],
    ];
    for (const [orderId, side, price] of orders) await oms.execute(addCommand({ orderId, symbol: 'X', side, amount: '1', price }));
    // The document convention walks Buy from the lowest price: depth 1 shows 19 only.
    const book = await oms.book({ symbol: 'X', depth: '1' });
    expect(book.buy.map((level) => level.price)).toEqual(['19']);
    expect(book).toMatchObject({ bestBid: '21.5', bestAsk: '22.25', spread: '0.75' });
  });

  it('a crossed book has a negative spread; an empty side has none', async () => {
    const oms = await freshApp();
    await oms.execute(addCommand({ orderId: 1, symbol: 'X', side: 'Buy', amount: 1, price: '10.5' }));
    expect(await oms.book({ symbol: 'X' })).toMatchObject({ bestBid: '10.5', bestAsk: null, spread: null });
    await oms.execute(addCommand({ orderId: 2, symbol: 'X', side: 'Sell', amount: 1, price: '9' }));
    expect(await oms.book({ symbol: 'X' })).toMatchObject({ bestBid: '10.5', bestAsk: '9', spread: '-1.5' });
    expect(await oms.book({ symbol: 'NEVER' })).toMatchObject({ bestBid: null, bestAsk: null, spread: null });
  });
});
