import { describe, it, expect } from 'vitest';
import { createOrderManager, OmsError, type Convention, type OrderManager } from '../../src/index.js';
import { expectOmsError } from './helpers.js';

const FIXED_MS = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
const FIXED_ISO = '2024-01-02T03:04:05.678Z';
const MAX = Number.MAX_SAFE_INTEGER;

function manager(convention: Convention = 'document'): OrderManager {
  return createOrderManager({ convention, now: () => new Date(FIXED_MS) });
}

/** The requirement document's book (the demo's data). */
function documentBook(convention: Convention = 'document'): OrderManager {
  const m = manager(convention);
  m.addOrder(1, 'JPM', 'Buy', 20, 20);
  m.addOrder(2, 'GOOG', 'Sell', 12, 25);
  m.addOrder(3, 'AMZN', 'Sell', 7, 10);
  m.addOrder(4, 'JPM', 'Buy', 10, 21);
  return m;
}

/** Exact canonical text of a BigInt count of 1e-8 units, computed independently. */
function decimalText(scaled: bigint): string {
  const whole = scaled / 100_000_000n;
  const fraction = (scaled % 100_000_000n).toString().padStart(8, '0').replace(/0+$/, '');
  return fraction === '' ? whole.toString() : `${whole}.${fraction}`;
}

/** Ids in the order a full trade of `side` would consume them. */
function consumptionOrder(m: OrderManager, symbol: string, side: 'Buy' | 'Sell'): number[] {
  const view = m.book(symbol, { orders: true });
  const consumed = m.convention === 'document' ? side : side === 'Buy' ? 'Sell' : 'Buy';
  const levels = consumed === 'Buy' ? view.buy : view.sell;
  return levels.flatMap((level) => (level.orders ?? []).map((order) => order.orderId));
}

describe('the requirement document (SPEC §1 acceptance table)', () => {
  it('holds the four orders as given', () => {
    const m = documentBook();
    expect(m.convention).toBe('document');
    expect(m.getOrder(1)).toEqual({ orderId: 1, symbol: 'JPM', side: 'Buy', amount: 20, price: '20', source: null, acceptedAt: FIXED_ISO });
    expect(m.getOrder(2)).toEqual({ orderId: 2, symbol: 'GOOG', side: 'Sell', amount: 12, price: '25', source: null, acceptedAt: FIXED_ISO });
    expect(m.getOrder(3)).toEqual({ orderId: 3, symbol: 'AMZN', side: 'Sell', amount: 7, price: '10', source: null, acceptedAt: FIXED_ISO });
    expect(m.getOrder(4)).toEqual({ orderId: 4, symbol: 'JPM', side: 'Buy', amount: 10, price: '21', source: null, acceptedAt: FIXED_ISO });
    // Symbols A-Z, Buy side then Sell side, priority order within a side.
    expect(m.orders().map((o) => o.orderId)).toEqual([3, 2, 1, 4]);
  });

  it.each([
    [20, '400'],
    [10, '200'],
    [22, '442'],
    [30, '610'],
    [1, '20'],
    [21, '421'],
  ])('calculatePrice(JPM, Buy, %i) = %s', (amount, total) => {
    const m = documentBook();
    expect(m.calculatePrice('JPM', 'Buy', amount)).toBe(total);
    // Pricing changes nothing.
    expect(m.getOrder(1)?.amount).toBe(20);
    expect(m.getOrder(4)?.amount).toBe(10);
  });

  it('placeTrade(JPM, Buy, 22) fills #1 fully and #4 by 2', () => {
    const m = documentBook();
    const result = m.placeTrade('JPM', 'Buy', 22);
    expect(result).toEqual({
      requested: 22,
      filled: 22,
      total: '442',
      partial: false,
      fills: [
        { orderId: 1, amount: 20, price: '20' },
        { orderId: 4, amount: 2, price: '21' },
      ],
    });
    expect(m.getOrder(1)).toBeUndefined();
    expect(m.getOrder(4)).toEqual({ orderId: 4, symbol: 'JPM', side: 'Buy', amount: 8, price: '21', source: null, acceptedAt: FIXED_ISO });
    expect(m.book('JPM').buy).toEqual([{ price: '21', amount: '8', orderCount: 1 }]);
    expect(m.calculatePrice('JPM', 'Buy', 8)).toBe('168');
    expectOmsError(() => m.calculatePrice('JPM', 'Buy', 9), 'INSUFFICIENT_LIQUIDITY');
    // Other symbols untouched.
    expect(m.orders().map((o) => [o.orderId, o.amount])).toEqual([
      [3, 7],
      [2, 12],
      [4, 8],
    ]);
  });

  it('a Sell request walks the Sell side from the highest price down', () => {
    const m = documentBook();
    m.addOrder(5, 'GOOG', 'Sell', 3, '26.5');
    expect(m.calculatePrice('GOOG', 'Sell', 3)).toBe('79.5');
    expect(m.calculatePrice('GOOG', 'Sell', 5)).toBe('129.5');
    expect(m.book('GOOG').sell.map((l) => l.price)).toEqual(['26.5', '25']);
  });
});

describe('market convention', () => {
  function marketBook(convention: Convention): OrderManager {
    const m = manager(convention);
    m.addOrder(1, 'JPM', 'Buy', 20, 20);
    m.addOrder(4, 'JPM', 'Buy', 10, 21);
    m.addOrder(5, 'JPM', 'Sell', 5, 31);
    m.addOrder(6, 'JPM', 'Sell', 5, 30);
    return m;
  }

  it('a Buy request consumes the Sell side from the lowest price up', () => {
    const m = marketBook('market');
    expect(m.convention).toBe('market');
    expect(m.calculatePrice('JPM', 'Buy', 7)).toBe(String(5 * 30 + 2 * 31));
    const result = m.placeTrade('JPM', 'Buy', 7);
    expect(result.fills).toEqual([
      { orderId: 6, amount: 5, price: '30' },
      { orderId: 5, amount: 2, price: '31' },
    ]);
    expect(result.total).toBe('212');
    expect(m.getOrder(6)).toBeUndefined();
    expect(m.getOrder(5)?.amount).toBe(3);
    // The Buy side is untouched.
    expect(m.getOrder(1)?.amount).toBe(20);
    expect(m.getOrder(4)?.amount).toBe(10);
  });

  it('a Sell request consumes the Buy side from the highest price down', () => {
    const m = marketBook('market');
    expect(m.calculatePrice('JPM', 'Sell', 25)).toBe(String(10 * 21 + 15 * 20));
    const result = m.placeTrade('JPM', 'Sell', 25);
    expect(result.fills).toEqual([
      { orderId: 4, amount: 10, price: '21' },
      { orderId: 1, amount: 15, price: '20' },
    ]);
    expect(m.getOrder(1)?.amount).toBe(5);
    expect(m.getOrder(5)?.amount).toBe(5);
    expect(m.getOrder(6)?.amount).toBe(5);
  });

  it('the document convention prices the same book differently', () => {
    const m = marketBook('document');
    expect(m.calculatePrice('JPM', 'Buy', 7)).toBe('140');
    expect(m.calculatePrice('JPM', 'Sell', 7)).toBe(String(5 * 31 + 2 * 30));
  });

  it('book() lists each side in its own priority order', () => {
    const market = marketBook('market').book('JPM');
    expect(market.convention).toBe('market');
    expect(market.buy.map((l) => l.price)).toEqual(['21', '20']);
    expect(market.sell.map((l) => l.price)).toEqual(['30', '31']);
    const document = marketBook('document').book('JPM');
    expect(document.convention).toBe('document');
    expect(document.buy.map((l) => l.price)).toEqual(['20', '21']);
    expect(document.sell.map((l) => l.price)).toEqual(['31', '30']);
  });

  it('the default convention is document, and an unknown one is rejected', () => {
    expect(createOrderManager().convention).toBe('document');
    expectOmsError(() => createOrderManager({ convention: 'same' as Convention }), 'INVALID_ARGUMENT', 'convention');
  });
});

describe('not enough liquidity', () => {
  it('an empty side is INSUFFICIENT_LIQUIDITY with 0 available', () => {
    const m = documentBook();
    const error = expectOmsError(() => m.calculatePrice('JPM', 'Sell', 1), 'INSUFFICIENT_LIQUIDITY');
    expect(error.details.available).toBe('0');
    const trade = expectOmsError(() => m.placeTrade('JPM', 'Sell', 1), 'INSUFFICIENT_LIQUIDITY');
    expect(trade.details.available).toBe('0');
  });

  it('an unknown symbol is INSUFFICIENT_LIQUIDITY with 0 available', () => {
    const m = documentBook();
    for (const side of ['Buy', 'Sell'] as const) {
      expect(expectOmsError(() => m.calculatePrice('MSFT', side, 5), 'INSUFFICIENT_LIQUIDITY').details.available).toBe('0');
      expect(expectOmsError(() => m.placeTrade('MSFT', side, 5), 'INSUFFICIENT_LIQUIDITY').details.available).toBe('0');
    }
    // Asking does not create a book.
    expect(m.book('MSFT')).toEqual({ symbol: 'MSFT', convention: 'document', bestBid: null, bestAsk: null, spread: null, buy: [], sell: [] });
  });

  it('more than the side holds reports what is available and changes nothing', () => {
    const m = documentBook();
    const error = expectOmsError(() => m.placeTrade('JPM', 'Buy', 31), 'INSUFFICIENT_LIQUIDITY');
    expect(error.details.available).toBe('30');
    expect(error.message).toContain('30');
    expect(m.getOrder(1)?.amount).toBe(20);
    expect(m.getOrder(4)?.amount).toBe(10);
  });

  it('partial fills what exists', () => {
    const m = documentBook();
    expect(m.calculatePrice('JPM', 'Buy', 100, { partial: true })).toBe('610');
    const result = m.placeTrade('JPM', 'Buy', 100, { partial: true });
    expect(result).toEqual({
      requested: 100,
      filled: 30,
      total: '610',
      partial: true,
      fills: [
        { orderId: 1, amount: 20, price: '20' },
        { orderId: 4, amount: 10, price: '21' },
      ],
    });
    expect(m.orders({ symbol: 'JPM' })).toEqual([]);
    expect(m.book('JPM').buy).toEqual([]);
  });

  it('partial with nothing available fills nothing', () => {
    const m = documentBook();
    expect(m.calculatePrice('JPM', 'Sell', 5, { partial: true })).toBe('0');
    expect(m.calculatePrice('NOPE', 'Buy', 5, { partial: true })).toBe('0');
    expect(m.placeTrade('NOPE', 'Buy', 5, { partial: true })).toEqual({ requested: 5, filled: 0, total: '0', partial: true, fills: [] });
    expect(m.placeTrade('JPM', 'Sell', 5, { partial: true })).toEqual({ requested: 5, filled: 0, total: '0', partial: true, fills: [] });
    expect(m.orders()).toHaveLength(4);
  });

  it('partial that can fill everything is not partial', () => {
    const m = documentBook();
    expect(m.placeTrade('JPM', 'Buy', 30, { partial: true })).toMatchObject({ requested: 30, filled: 30, total: '610', partial: false });
  });

  it('partial: false behaves as without options', () => {
    const m = documentBook();
    expectOmsError(() => m.placeTrade('JPM', 'Buy', 31, { partial: false }), 'INSUFFICIENT_LIQUIDITY');
  });
});

describe('trading walks', () => {
  it('an exact fill at a level boundary removes the level and leaves the next alone', () => {
    const m = documentBook();
    const result = m.placeTrade('JPM', 'Buy', 20);
    expect(result.fills).toEqual([{ orderId: 1, amount: 20, price: '20' }]);
    expect(result.total).toBe('400');
    expect(m.getOrder(1)).toBeUndefined();
    expect(m.getOrder(4)?.amount).toBe(10);
    expect(m.book('JPM').buy).toEqual([{ price: '21', amount: '10', orderCount: 1 }]);
  });

  it('orders at one price are consumed first come first served, not by id', () => {
    const m = manager();
    const arrival = [14, 11, 13, 10, 12];
    for (const id of arrival) m.addOrder(id, 'X', 'Buy', 3, '7.5');
    expect(m.book('X').buy).toEqual([{ price: '7.5', amount: '15', orderCount: 5 }]);
    const result = m.placeTrade('X', 'Buy', 8);
    expect(result.fills).toEqual([
      { orderId: 14, amount: 3, price: '7.5' },
      { orderId: 11, amount: 3, price: '7.5' },
      { orderId: 13, amount: 2, price: '7.5' },
    ]);
    expect(result.total).toBe('60');
    expect(m.orders().map((o) => [o.orderId, o.amount])).toEqual([
      [13, 1],
      [10, 3],
      [12, 3],
    ]);
  });

  it('walks many levels in a row and drops each one it empties', () => {
    const m = manager();
    for (let i = 1; i <= 50; i++) m.addOrder(i, 'X', 'Sell', 1, `${i}.5`);
    // Sell request: highest price first.
    const result = m.placeTrade('X', 'Sell', 10);
    expect(result.fills.map((f) => f.orderId)).toEqual([50, 49, 48, 47, 46, 45, 44, 43, 42, 41]);
    expect(result.total).toBe('460');
    expect(m.book('X').sell).toHaveLength(40);
    expect(m.book('X').sell[0]).toEqual({ price: '40.5', amount: '1', orderCount: 1 });
  });

  it('a filled order is gone for good', () => {
    const m = documentBook();
    m.placeTrade('JPM', 'Buy', 20);
    expectOmsError(() => m.modifyOrder(1, 5, 20), 'ORDER_NOT_FOUND', 'orderId');
    expectOmsError(() => m.addOrder(1, 'JPM', 'Buy', 20, 20), 'DUPLICATE_ORDER_ID', 'orderId');
    expect(() => m.removeOrder(1)).not.toThrow();
    expect(m.orders().map((o) => o.orderId)).toEqual([3, 2, 4]);
  });

  it('a partially filled order keeps its place', () => {
    const m = manager();
    m.addOrder(1, 'X', 'Buy', 10, 5);
    m.addOrder(2, 'X', 'Buy', 10, 5);
    m.placeTrade('X', 'Buy', 4);
    expect(m.placeTrade('X', 'Buy', 7).fills).toEqual([
      { orderId: 1, amount: 6, price: '5' },
      { orderId: 2, amount: 1, price: '5' },
    ]);
  });
});

describe('modifyOrder', () => {
  function threeAtOnePrice(): OrderManager {
    const m = manager();
    m.addOrder(1, 'X', 'Buy', 10, 5);
    m.addOrder(2, 'X', 'Buy', 10, 5);
    m.addOrder(3, 'X', 'Buy', 10, 5);
    return m;
  }

  it('to the values it already has changes nothing (priority kept)', () => {
    const m = threeAtOnePrice();
    m.modifyOrder(1, 10, 5);
    m.modifyOrder(1, 10, '5.000');
    m.modifyOrder(1, 10, '5');
    expect(consumptionOrder(m, 'X', 'Buy')).toEqual([1, 2, 3]);
    expect(m.getOrder(1)).toMatchObject({ amount: 10, price: '5' });
  });

  it('a pure amount decrease keeps the place', () => {
    const m = threeAtOnePrice();
    m.modifyOrder(1, 4, 5);
    expect(consumptionOrder(m, 'X', 'Buy')).toEqual([1, 2, 3]);
    expect(m.getOrder(1)?.amount).toBe(4);
    expect(m.book('X').buy).toEqual([{ price: '5', amount: '24', orderCount: 3 }]);
    expect(m.placeTrade('X', 'Buy', 5).fills).toEqual([
      { orderId: 1, amount: 4, price: '5' },
      { orderId: 2, amount: 1, price: '5' },
    ]);
  });

  it('an amount increase goes to the back of the level', () => {
    const m = threeAtOnePrice();
    m.modifyOrder(1, 11, 5);
    expect(consumptionOrder(m, 'X', 'Buy')).toEqual([2, 3, 1]);
    expect(m.book('X').buy).toEqual([{ price: '5', amount: '31', orderCount: 3 }]);
    expect(m.placeTrade('X', 'Buy', 12).fills.map((f) => f.orderId)).toEqual([2, 3]);
  });

  it('an amount increase of the only order at a price keeps the level', () => {
    const m = manager();
    m.addOrder(1, 'X', 'Buy', 10, 5);
    m.addOrder(2, 'X', 'Buy', 10, 6);
    m.modifyOrder(1, 20, 5);
    expect(m.book('X').buy).toEqual([
      { price: '5', amount: '20', orderCount: 1 },
      { price: '6', amount: '10', orderCount: 1 },
    ]);
  });

  it('a price change goes to the back of the new level', () => {
    const m = manager();
    m.addOrder(1, 'X', 'Buy', 10, 20);
    m.addOrder(2, 'X', 'Buy', 10, 21);
    m.addOrder(3, 'X', 'Buy', 10, 21);
    m.modifyOrder(1, 10, 21);
    expect(m.book('X', { orders: true }).buy.map((l) => [l.price, l.orderCount, l.orders?.map((o) => o.orderId)])).toEqual([['21', 3, [2, 3, 1]]]);
    expect(m.getOrder(1)).toMatchObject({ price: '21', amount: 10, acceptedAt: FIXED_ISO });
  });

  it('a price change with a decrease still goes to the back', () => {
    const m = manager();
    m.addOrder(1, 'X', 'Buy', 10, 21);
    m.addOrder(2, 'X', 'Buy', 10, 20);
    m.addOrder(3, 'X', 'Buy', 10, 21);
    m.modifyOrder(1, 5, 20);
    m.modifyOrder(1, 5, 21);
    expect(consumptionOrder(m, 'X', 'Buy')).toEqual([2, 3, 1]);
  });

  it('moving away and back lands at the back of the original level', () => {
    const m = threeAtOnePrice();
    m.modifyOrder(2, 10, 6);
    m.modifyOrder(2, 10, 5);
    expect(consumptionOrder(m, 'X', 'Buy')).toEqual([1, 3, 2]);
  });

  it('amount 0 removes the order and retires its id', () => {
    const m = threeAtOnePrice();
    m.modifyOrder(2, 0, 5);
    expect(m.getOrder(2)).toBeUndefined();
    expect(consumptionOrder(m, 'X', 'Buy')).toEqual([1, 3]);
    expect(m.book('X').buy).toEqual([{ price: '5', amount: '20', orderCount: 2 }]);
    expectOmsError(() => m.modifyOrder(2, 5, 5), 'ORDER_NOT_FOUND', 'orderId');
    expectOmsError(() => m.addOrder(2, 'X', 'Buy', 10, 5), 'DUPLICATE_ORDER_ID', 'orderId');
    expect(() => m.removeOrder(2)).not.toThrow();
  });

  it('amount 0 with another price still removes', () => {
    const m = threeAtOnePrice();
    m.modifyOrder(3, 0, 99);
    expect(m.getOrder(3)).toBeUndefined();
    expect(m.book('X').buy.map((l) => l.price)).toEqual(['5']);
  });

  it('the last order at a level modified to 0 drops the level', () => {
    const m = manager();
    m.addOrder(1, 'X', 'Sell', 10, 5);
    m.modifyOrder(1, 0, 5);
    expect(m.book('X')).toEqual({ symbol: 'X', convention: 'document', bestBid: null, bestAsk: null, spread: null, buy: [], sell: [] });
    expectOmsError(() => m.calculatePrice('X', 'Sell', 1), 'INSUFFICIENT_LIQUIDITY');
  });

  it('of an unknown order is ORDER_NOT_FOUND', () => {
    const m = documentBook();
    const error = expectOmsError(() => m.modifyOrder(99, 5, 5), 'ORDER_NOT_FOUND', 'orderId');
    expect(error.details.value).toBe('99');
  });

  it('validates its values before anything changes', () => {
    const m = documentBook();
    expectOmsError(() => m.modifyOrder(1, -1, 20), 'INVALID_ARGUMENT', 'amount');
    expectOmsError(() => m.modifyOrder(1, 1.5, 20), 'INVALID_ARGUMENT', 'amount');
    expectOmsError(() => m.modifyOrder(1, 5, '0'), 'INVALID_ARGUMENT', 'price');
    expectOmsError(() => m.modifyOrder(1, 5, '1.123456789'), 'INVALID_ARGUMENT', 'price');
    expectOmsError(() => m.modifyOrder(0, 5, 20), 'INVALID_ARGUMENT', 'orderId');
    expect(m.getOrder(1)).toMatchObject({ amount: 20, price: '20' });
  });
});

describe('removeOrder and order ids', () => {
  it('removes a live order', () => {
    const m = documentBook();
    m.removeOrder(4);
    expect(m.getOrder(4)).toBeUndefined();
    expect(m.calculatePrice('JPM', 'Buy', 20)).toBe('400');
    expectOmsError(() => m.calculatePrice('JPM', 'Buy', 21), 'INSUFFICIENT_LIQUIDITY');
  });

  it('removing an unknown id is ORDER_NOT_FOUND', () => {
    const m = documentBook();
    const error = expectOmsError(() => m.removeOrder(99), 'ORDER_NOT_FOUND', 'orderId');
    expect(error.details.value).toBe('99');
  });

  it('removing a gone id is a no-op', () => {
    const m = documentBook();
    m.removeOrder(1);
    const before = m.orders();
    expect(() => m.removeOrder(1)).not.toThrow();
    expect(m.orders()).toEqual(before);
  });

  it('a removed id cannot be added again', () => {
    const m = documentBook();
    m.removeOrder(1);
    const error = expectOmsError(() => m.addOrder(1, 'JPM', 'Buy', 20, 20), 'DUPLICATE_ORDER_ID', 'orderId');
    expect(error.details.value).toBe('1');
    expect(m.getOrder(1)).toBeUndefined();
  });

  it('a live id cannot be added again, even with the same fields', () => {
    const m = documentBook();
    expectOmsError(() => m.addOrder(1, 'JPM', 'Buy', 20, 20), 'DUPLICATE_ORDER_ID', 'orderId');
    expectOmsError(() => m.addOrder(1, 'MSFT', 'Sell', 1, 1), 'DUPLICATE_ORDER_ID', 'orderId');
    expect(m.orders()).toHaveLength(4);
    expect(m.book('MSFT').sell).toEqual([]);
  });

  it('ids up to 2^53-1 work; beyond are rejected', () => {
    const m = manager();
    m.addOrder(MAX, 'X', 'Buy', 1, 1);
    expect(m.getOrder(MAX)?.orderId).toBe(MAX);
    m.removeOrder(MAX);
    expectOmsError(() => m.addOrder(MAX + 1, 'X', 'Buy', 1, 1), 'INVALID_ARGUMENT', 'orderId');
  });
});

describe('addOrder input', () => {
  it('normalises symbol, side and price', () => {
    const m = manager();
    m.addOrder(1, 'jpm', 'b' as 'Buy', 5, '20.50');
    m.addOrder(2, 'Jpm', 'SELL' as 'Sell', 5, 1e-7);
    m.addOrder(3, 'brk.b', 's' as 'Sell', 5, '.5');
    expect(m.getOrder(1)).toMatchObject({ symbol: 'JPM', side: 'Buy', price: '20.5' });
    expect(m.getOrder(2)).toMatchObject({ symbol: 'JPM', side: 'Sell', price: '0.0000001' });
    expect(m.getOrder(3)).toMatchObject({ symbol: 'BRK.B', side: 'Sell', price: '0.5' });
    // The same price in different spellings is one level.
    m.addOrder(4, 'JPM', 'Buy', 7, 20.5);
    expect(m.book('jpm').buy).toEqual([{ price: '20.5', amount: '12', orderCount: 2 }]);
  });

  it('keeps source verbatim, null when absent', () => {
    const m = manager();
    m.addOrder(1, 'X', 'Buy', 5, 1, '__proto__');
    m.addOrder(2, 'X', 'Buy', 5, 1, 'constructor');
    m.addOrder(3, 'X', 'Buy', 5, 1);
    m.addOrder(4, 'X', 'Buy', 5, 1, '');
    expect(m.orders().map((o) => o.source)).toEqual(['__proto__', 'constructor', null, null]);
    expect(Object.getPrototypeOf(m.getOrder(1))).toBe(Object.prototype);
  });

  it('rejects bad fields with INVALID_ARGUMENT naming the field, changing nothing', () => {
    const m = documentBook();
    const before = m.orders();
    expectOmsError(() => m.addOrder(9, 'JPM', 'Buy', 0, 20), 'INVALID_ARGUMENT', 'amount');
    expectOmsError(() => m.addOrder(9, 'JPM', 'Buy', MAX + 1, 20), 'INVALID_ARGUMENT', 'amount');
    expectOmsError(() => m.addOrder(9, 'JPM', 'Buy', 5, '20.123456789'), 'INVALID_ARGUMENT', 'price');
    expectOmsError(() => m.addOrder(9, 'JPM', 'Buy', 5, -1), 'INVALID_ARGUMENT', 'price');
    expectOmsError(() => m.addOrder(9, 'JPM', 'Hold' as 'Buy', 5, 20), 'INVALID_ARGUMENT', 'side');
    expectOmsError(() => m.addOrder(9, '', 'Buy', 5, 20), 'INVALID_ARGUMENT', 'symbol');
    expectOmsError(() => m.addOrder(9, '__proto__', 'Buy', 5, 20), 'INVALID_ARGUMENT', 'symbol');
    expectOmsError(() => m.addOrder(9, 'JPM', 'Buy', 5, 20, 'a\nb'), 'INVALID_ARGUMENT', 'source');
    expectOmsError(() => m.addOrder(9, 'JPM', 'Buy', 5, 20, 'x'.repeat(65)), 'INVALID_ARGUMENT', 'source');
    expectOmsError(() => m.addOrder(-9, 'JPM', 'Buy', 5, 20), 'INVALID_ARGUMENT', 'orderId');
    expect(m.orders()).toEqual(before);
    // The id was not used up by the rejected attempts.
    m.addOrder(9, 'JPM', 'Buy', 5, 20);
    expect(m.getOrder(9)?.amount).toBe(5);
  });

  it('rejects bad requests', () => {
    const m = documentBook();
    expectOmsError(() => m.calculatePrice('JPM', 'Buy', 0), 'INVALID_ARGUMENT', 'amount');
    expectOmsError(() => m.placeTrade('JPM', 'Buy', 2.5), 'INVALID_ARGUMENT', 'amount');
    expectOmsError(() => m.placeTrade('JPM', 'Up' as 'Buy', 1), 'INVALID_ARGUMENT', 'side');
    expectOmsError(() => m.calculatePrice('.JPM', 'Buy', 1), 'INVALID_ARGUMENT', 'symbol');
    expect(m.getOrder(1)?.amount).toBe(20);
  });
});

describe('time', () => {
  it('stamps orders from the injected clock', () => {
    let ms = FIXED_MS;
    const m = createOrderManager({ now: () => new Date(ms) });
    m.addOrder(1, 'X', 'Buy', 1, 1);
    ms += 1500;
    m.addOrder(2, 'X', 'Buy', 1, 1);
    expect(m.getOrder(1)?.acceptedAt).toBe(FIXED_ISO);
    expect(m.getOrder(2)?.acceptedAt).toBe('2024-01-02T03:04:07.178Z');
  });

  it('defaults to the system clock', () => {
    const before = Date.now();
    const m = createOrderManager();
    m.addOrder(1, 'X', 'Buy', 1, 1);
    const after = Date.now();
    const at = Date.parse(m.getOrder(1)?.acceptedAt ?? '');
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after);
  });
});

describe('exact arithmetic beyond 2^53', () => {
  it('a total of the largest amount at the largest price is exact', () => {
    const m = manager();
    m.addOrder(1, 'BIG', 'Buy', MAX, '90071992.54740991');
    const expected = decimalText(BigInt(MAX) * BigInt(MAX));
    expect(expected).toBe('811296384146066636813904.95662081');
    expect(m.calculatePrice('BIG', 'Buy', MAX)).toBe(expected);
    const result = m.placeTrade('BIG', 'Buy', MAX);
    expect(result).toEqual({
      requested: MAX,
      filled: MAX,
      total: expected,
      partial: false,
      fills: [{ orderId: 1, amount: MAX, price: '90071992.54740991' }],
    });
    expect(m.getOrder(1)).toBeUndefined();
  });

  it('sums across levels and orders stay exact', () => {
    const m = manager();
    m.addOrder(1, 'BIG', 'Buy', MAX - 1, '0.00000001');
    m.addOrder(2, 'BIG', 'Buy', 3, '12345.6789');
    m.addOrder(3, 'BIG', 'Buy', MAX - 2, '12345.6789');
    // Requested amounts are capped at 2^53-1; take MAX from the three orders.
    expect(m.calculatePrice('BIG', 'Buy', MAX)).toBe(decimalText(BigInt(MAX - 1) + 1_234_567_890_000n));
    expect(m.calculatePrice('BIG', 'Buy', MAX, { partial: true })).toBe(decimalText(BigInt(MAX - 1) + 1_234_567_890_000n));
    m.removeOrder(1);
    expect(m.calculatePrice('BIG', 'Buy', MAX)).toBe(decimalText(3n * 1_234_567_890_000n + BigInt(MAX - 3) * 1_234_567_890_000n));
    expect(m.calculatePrice('BIG', 'Buy', MAX)).toBe('111199989787351577553.7899');
  });

  it('a level consumed whole contributes an exact product', () => {
    const m = manager();
    m.addOrder(1, 'BIG', 'Buy', MAX - 10, 3);
    m.addOrder(2, 'BIG', 'Buy', 10, '4.00000001');
    const expected = decimalText(BigInt(MAX - 10) * 300_000_000n + 10n * 400_000_001n);
    expect(expected).toBe('27021597764222983.0000001');
    expect(m.calculatePrice('BIG', 'Buy', MAX)).toBe(expected);
    expect(m.placeTrade('BIG', 'Buy', MAX).total).toBe(expected);
  });

  it('level amounts beyond 2^53 are reported exactly as strings', () => {
    const m = manager();
    m.addOrder(1, 'BIG', 'Sell', MAX, 7);
    m.addOrder(2, 'BIG', 'Sell', MAX, 7);
    m.addOrder(3, 'BIG', 'Sell', MAX, 7);
    m.addOrder(4, 'BIG', 'Sell', 1, 8);
    const book = m.book('BIG');
    expect(book.sell).toEqual([
      { price: '8', amount: '1', orderCount: 1 },
      { price: '7', amount: (3n * BigInt(MAX)).toString(), orderCount: 3 },
    ]);
    expect(book.sell[1]?.amount).toBe('27021597764222973');
    // What is available beyond 2^53 is reported exactly too (partial fill of MAX is all from the levels).
    const result = m.placeTrade('BIG', 'Sell', MAX);
    expect(result.fills).toEqual([
      { orderId: 4, amount: 1, price: '8' },
      { orderId: 1, amount: MAX - 1, price: '7' },
    ]);
    expect(result.total).toBe((8n + BigInt(MAX - 1) * 7n).toString());
    expect(m.book('BIG').sell).toEqual([{ price: '7', amount: (2n * BigInt(MAX) + 1n).toString(), orderCount: 3 }]);
  });

  it('modifying amounts keeps a big level sum exact', () => {
    const m = manager();
    m.addOrder(1, 'BIG', 'Buy', MAX, 1);
    m.addOrder(2, 'BIG', 'Buy', MAX, 1);
    m.modifyOrder(1, MAX - 10, 1);
    expect(m.book('BIG').buy[0]?.amount).toBe((2n * BigInt(MAX) - 10n).toString());
    m.modifyOrder(2, 0, 1);
    expect(m.book('BIG').buy[0]).toEqual({ price: '1', amount: String(MAX - 10), orderCount: 1 });
  });
});

describe('views', () => {
  it('book() with depth and orders', () => {
    const m = manager();
    m.addOrder(1, 'X', 'Buy', 1, 3);
    m.addOrder(2, 'X', 'Buy', 2, 1);
    m.addOrder(3, 'X', 'Buy', 4, 2);
    m.addOrder(4, 'X', 'Buy', 8, 1, 'desk');
    expect(m.book('X', { depth: 2 }).buy).toEqual([
      { price: '1', amount: '10', orderCount: 2 },
      { price: '2', amount: '4', orderCount: 1 },
    ]);
    const withOrders = m.book('x', { depth: 1, orders: true });
    expect(withOrders.symbol).toBe('X');
    expect(withOrders.buy).toEqual([
      {
        price: '1',
        amount: '10',
        orderCount: 2,
        orders: [
          { orderId: 2, symbol: 'X', side: 'Buy', amount: 2, price: '1', source: null, acceptedAt: FIXED_ISO },
          { orderId: 4, symbol: 'X', side: 'Buy', amount: 8, price: '1', source: 'desk', acceptedAt: FIXED_ISO },
        ],
      },
    ]);
  });

  it('orders() filters by symbol and side', () => {
    const m = documentBook();
    m.addOrder(5, 'JPM', 'Sell', 1, 50);
    expect(m.orders({ symbol: 'jpm' }).map((o) => o.orderId)).toEqual([1, 4, 5]);
    expect(m.orders({ symbol: 'JPM', side: 'Sell' }).map((o) => o.orderId)).toEqual([5]);
    expect(m.orders({ side: 'Sell' }).map((o) => o.orderId)).toEqual([3, 2, 5]);
    expect(m.orders({ symbol: 'NONE' })).toEqual([]);
  });

  it('errors are OmsError instances with a stable code', () => {
    const m = manager();
    try {
      m.removeOrder(5);
      expect.fail('should throw');
    } catch (error) {
      expect(error).toBeInstanceOf(OmsError);
      expect(error).toBeInstanceOf(Error);
      expect((error as OmsError).name).toBe('OmsError');
      expect((error as OmsError).code).toBe('ORDER_NOT_FOUND');
    }
  });
});
