// Property tests: random command sequences run against the real order manager
// and against a deliberately naive model that keeps a flat array of orders and
// sorts everything on every request. After every command the results, the
// errors, the live orders and every book must agree.

import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { createOrderManager, isOmsError, type Convention, type OrderManager } from '../../src/index.js';
import { OrderManager as Engine } from '../../src/core/order-manager.js';

const MAX = Number.MAX_SAFE_INTEGER;
const BASE_MS = Date.UTC(2024, 4, 6, 7, 8, 9, 0);

type Side = 'Buy' | 'Sell';

// ---------------------------------------------------------------------------
// The naive model.

interface ModelOrder {
  id: number;
  symbol: string;
  side: Side;
  amount: number;
  /** Count of 1e-8 units. */
  price: bigint;
  source: string | null;
  acceptedAt: number;
  /** Arrival counter: smaller is earlier. */
  seq: number;
}

interface ModelFill {
  orderId: number;
  amount: number;
  price: bigint;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; code: string; available?: string };

/** Naive decimal text → count of 1e-8 units (input already known to be valid). */
function scale(text: string): bigint {
  const [whole = '', fraction = ''] = text.split('.');
  return BigInt((whole === '' ? '0' : whole) + fraction.padEnd(8, '0').slice(0, 8));
}

/** Naive count of 1e-8 units → canonical decimal text. */
function unscale(value: bigint): string {
  const digits = value.toString().padStart(9, '0');
  const whole = digits.slice(0, -8).replace(/^0+(?=\d)/, '');
  const fraction = digits.slice(-8).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

class Model {
  orders: ModelOrder[] = [];
  /** Ids that were live once and are gone (only when ids are never reused). */
  retired = new Set<number>();
  seq = 0;

  constructor(
    readonly convention: Convention,
    /** The library never reuses an id; the bare engine only knows live ones. */
    readonly retireIds: boolean,
  ) {}

  private live(id: number): ModelOrder | undefined {
    return this.orders.find((o) => o.id === id);
  }

  private gone(order: ModelOrder): void {
    this.orders = this.orders.filter((o) => o !== order);
    if (this.retireIds) this.retired.add(order.id);
  }

  add(id: number, symbol: string, side: Side, amount: number, price: bigint, source: string | null, now: number): Outcome<void> {
    if (this.live(id) || this.retired.has(id)) return { ok: false, code: 'DUPLICATE_ORDER_ID' };
    this.orders.push({ id, symbol, side, amount, price, source, acceptedAt: now, seq: this.seq++ });
    return { ok: true, value: undefined };
  }

  remove(id: number): Outcome<void> {
    const order = this.live(id);
    if (!order) {
      if (this.retired.has(id)) return { ok: true, value: undefined };
      return { ok: false, code: 'ORDER_NOT_FOUND' };
    }
    this.gone(order);
    return { ok: true, value: undefined };
  }

  modify(id: number, amount: number | undefined, price: bigint | undefined): Outcome<void> {
    const order = this.live(id);
    if (!order) return { ok: false, code: 'ORDER_NOT_FOUND' };
    const newAmount = amount ?? order.amount;
    const newPrice = price ?? order.price;
    if (newAmount === order.amount && newPrice === order.price) return { ok: true, value: undefined };
    if (newAmount === 0) {
      this.gone(order);
      return { ok: true, value: undefined };
    }
    if (newPrice !== order.price || newAmount > order.amount) order.seq = this.seq++;
    order.amount = newAmount;
    order.price = newPrice;
    return { ok: true, value: undefined };
  }

  /** Lowest first when ascending, then by arrival. */
  private sorted(orders: ModelOrder[], ascending: boolean): ModelOrder[] {
    return [...orders].sort((a, b) => {
      if (a.price !== b.price) return (a.price < b.price ? -1 : 1) * (ascending ? 1 : -1);
      return a.seq - b.seq;
    });
  }

  /** A side in its priority order: the direction of the request that consumes it. */
  sideInPriority(symbol: string, side: Side): ModelOrder[] {
    const consumedByBuyRequest = this.convention === 'document' ? side === 'Buy' : side === 'Sell';
    return this.sorted(
      this.orders.filter((o) => o.symbol === symbol && o.side === side),
      consumedByBuyRequest,
    );
  }

  private queue(symbol: string, side: Side): ModelOrder[] {
    const consumed: Side = this.convention === 'document' ? side : side === 'Buy' ? 'Sell' : 'Buy';
    // A Buy request walks from the lowest price up, a Sell request from the highest down.
    return this.sorted(
      this.orders.filter((o) => o.symbol === symbol && o.side === consumed),
      side === 'Buy',
    );
  }

  execute(symbol: string, side: Side, amount: number, partial: boolean, consume: boolean): Outcome<{ filled: number; total: bigint; fills: ModelFill[] }> {
    const queue = this.queue(symbol, side);
    const available = queue.reduce((sum, o) => sum + BigInt(o.amount), 0n);
    if (available < BigInt(amount) && !partial) {
      return { ok: false, code: 'INSUFFICIENT_LIQUIDITY', available: available.toString() };
    }
    let remaining = amount;
    let total = 0n;
    const fills: ModelFill[] = [];
    for (const order of queue) {
      if (remaining === 0) break;
      const take = Math.min(order.amount, remaining);
      fills.push({ orderId: order.id, amount: take, price: order.price });
      total += BigInt(take) * order.price;
      remaining -= take;
      if (consume) {
        order.amount -= take;
        if (order.amount === 0) this.gone(order);
      }
    }
    return { ok: true, value: { filled: amount - remaining, total, fills } };
  }

  symbols(): string[] {
    return [...new Set(this.orders.map((o) => o.symbol))].sort();
  }
}

// ---------------------------------------------------------------------------
// Generators.

/** Price points: several spellings of colliding values, extremes, many decimals. */
const PRICE_POINTS: { input: string | number; canonical: string }[] = [
  { input: '20', canonical: '20' },
  { input: '20.', canonical: '20' },
  { input: '020.000', canonical: '20' },
  { input: 20, canonical: '20' },
  { input: '20.5', canonical: '20.5' },
  { input: '20.50', canonical: '20.5' },
  { input: 20.5, canonical: '20.5' },
  { input: '21', canonical: '21' },
  { input: '19.99999999', canonical: '19.99999999' },
  { input: '0.00000001', canonical: '0.00000001' },
  { input: 1e-8, canonical: '0.00000001' },
  { input: '.5', canonical: '0.5' },
  { input: 0.5, canonical: '0.5' },
  { input: '25.12345678', canonical: '25.12345678' },
  { input: '90071992.54740991', canonical: '90071992.54740991' },
  { input: 1e-7, canonical: '0.0000001' },
];

const SYMBOLS: { input: string; canonical: string }[] = [
  { input: 'JPM', canonical: 'JPM' },
  { input: 'jpm', canonical: 'JPM' },
  { input: 'GOOG', canonical: 'GOOG' },
  { input: 'Goog', canonical: 'GOOG' },
  { input: 'a.b-1_', canonical: 'A.B-1_' },
];
const CANONICAL_SYMBOLS = ['JPM', 'GOOG', 'A.B-1_', 'NEVER'];

const SIDES: { input: string; canonical: Side }[] = [
  { input: 'Buy', canonical: 'Buy' },
  { input: 'b', canonical: 'Buy' },
  { input: 'BUY', canonical: 'Buy' },
  { input: 'Sell', canonical: 'Sell' },
  { input: 's', canonical: 'Sell' },
  { input: 'sell', canonical: 'Sell' },
];

const ID_POOL = [1, 2, 3, 4, 5, 6, 7, 8, MAX];

const smallAmount = fc.integer({ min: 1, max: 40 });
const hugeAmount = fc.integer({ min: MAX - 50, max: MAX });
const amount = fc.oneof({ arbitrary: smallAmount, weight: 6 }, { arbitrary: hugeAmount, weight: 1 });
/** Sometimes invalid: the command must fail with INVALID_ARGUMENT and change nothing. */
const maybeBadAmount = fc.oneof({ arbitrary: amount, weight: 20 }, { arbitrary: fc.constantFrom(0, -1, 1.5, MAX + 1), weight: 1 });
const maybeBadPrice = fc.oneof(
  { arbitrary: fc.constantFrom(...PRICE_POINTS), weight: 20 },
  { arbitrary: fc.constantFrom({ input: '0', canonical: '' }, { input: '1.123456789', canonical: '' }, { input: -1, canonical: '' }), weight: 1 },
);

type Command =
  | { kind: 'add'; id: number; symbol: (typeof SYMBOLS)[number]; side: (typeof SIDES)[number]; amount: number; price: (typeof PRICE_POINTS)[number]; source: string | undefined }
  | { kind: 'modify'; id: number; amount: ModifyAmount; price: (typeof PRICE_POINTS)[number] | 'same' }
  | { kind: 'remove'; id: number }
  | { kind: 'price'; symbol: (typeof SYMBOLS)[number]; side: (typeof SIDES)[number]; amount: number; partial: boolean | undefined }
  | { kind: 'trade'; symbol: (typeof SYMBOLS)[number]; side: (typeof SIDES)[number]; amount: number; partial: boolean | undefined };

/** A modify's new amount: absolute, or the current amount plus a delta (5 + delta if the order is not live). */
type ModifyAmount = number | { delta: number };

const id = fc.constantFrom(...ID_POOL);
const symbol = fc.constantFrom(...SYMBOLS);
const side = fc.constantFrom(...SIDES);
const partial = fc.constantFrom(undefined, false, true);

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      id,
      symbol,
      side,
      amount: maybeBadAmount,
      price: maybeBadPrice,
      source: fc.constantFrom(undefined, 'desk-1', '__proto__', ''),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('modify' as const),
      id,
      amount: fc.oneof(
        { arbitrary: maybeBadAmount, weight: 4 },
        { arbitrary: fc.constant(0), weight: 1 },
        // Relative to the order's current amount, so decreases, increases and
        // "same values" happen often at the same price.
        { arbitrary: fc.integer({ min: -3, max: 3 }).map((delta) => ({ delta })), weight: 5 },
      ),
      price: fc.oneof({ arbitrary: maybeBadPrice, weight: 1 }, { arbitrary: fc.constant('same' as const), weight: 1 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), id }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('price' as const), symbol, side, amount: maybeBadAmount, partial }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('trade' as const), symbol, side, amount: maybeBadAmount, partial }) },
);

const valid = {
  amount: (n: number, allowZero = false) => Number.isSafeInteger(n) && (n > 0 || (allowZero && n === 0)),
  price: (p: { canonical: string }) => p.canonical !== '',
};

// ---------------------------------------------------------------------------
// Running one command on both.

function attempt<T>(fn: () => T): Outcome<T> {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    if (!isOmsError(error)) throw error;
    return error.details.available === undefined
      ? { ok: false, code: error.code }
      : { ok: false, code: error.code, available: error.details.available };
  }
}

function fillsView(fills: ModelFill[]) {
  return fills.map((f) => ({ orderId: f.orderId, amount: f.amount, price: unscale(f.price) }));
}

function step(real: OrderManager, model: Model, cmd: Command, now: number): void {
  switch (cmd.kind) {
    case 'add': {
      const got = attempt(() => real.addOrder(cmd.id, cmd.symbol.input, cmd.side.input as Side, cmd.amount, cmd.price.input, cmd.source));
      const want: Outcome<void> =
        !valid.amount(cmd.amount) || !valid.price(cmd.price)
          ? { ok: false, code: 'INVALID_ARGUMENT' }
          : model.add(cmd.id, cmd.symbol.canonical, cmd.side.canonical, cmd.amount, scale(cmd.price.canonical), cmd.source || null, now);
      expect(got).toEqual(want);
      return;
    }
    case 'modify': {
      const current = model.orders.find((o) => o.id === cmd.id);
      const amount = typeof cmd.amount === 'number' ? cmd.amount : (current?.amount ?? 5) + cmd.amount.delta;
      // 'same': the order's own price, spelt with trailing zeros to show it is compared canonically.
      const price =
        cmd.price !== 'same' ? cmd.price : current ? { input: `${unscale(current.price)}${unscale(current.price).includes('.') ? '' : '.'}000`, canonical: unscale(current.price) } : { input: '20', canonical: '20' };
      const got = attempt(() => real.modifyOrder(cmd.id, amount, price.input));
      const want: Outcome<void> =
        !valid.amount(amount, true) || !valid.price(price)
          ? { ok: false, code: 'INVALID_ARGUMENT' }
          : model.modify(cmd.id, amount, scale(price.canonical));
      expect(got).toEqual(want);
      return;
    }
    case 'remove': {
      expect(attempt(() => real.removeOrder(cmd.id))).toEqual(model.remove(cmd.id));
      return;
    }
    case 'price': {
      const opts = cmd.partial === undefined ? undefined : { partial: cmd.partial };
      const got = attempt(() => real.calculatePrice(cmd.symbol.input, cmd.side.input as Side, cmd.amount, opts));
      if (!valid.amount(cmd.amount)) {
        expect(got).toEqual({ ok: false, code: 'INVALID_ARGUMENT' });
        return;
      }
      const want = model.execute(cmd.symbol.canonical, cmd.side.canonical, cmd.amount, cmd.partial === true, false);
      expect(got).toEqual(want.ok ? { ok: true, value: unscale(want.value.total) } : want);
      return;
    }
    case 'trade': {
      const opts = cmd.partial === undefined ? undefined : { partial: cmd.partial };
      const got = attempt(() => real.placeTrade(cmd.symbol.input, cmd.side.input as Side, cmd.amount, opts));
      if (!valid.amount(cmd.amount)) {
        expect(got).toEqual({ ok: false, code: 'INVALID_ARGUMENT' });
        return;
      }
      const want = model.execute(cmd.symbol.canonical, cmd.side.canonical, cmd.amount, cmd.partial === true, true);
      expect(got).toEqual(
        want.ok
          ? {
              ok: true,
              value: {
                requested: cmd.amount,
                filled: want.value.filled,
                total: unscale(want.value.total),
                partial: want.value.filled < cmd.amount,
                fills: fillsView(want.value.fills),
              },
            }
          : want,
      );
      return;
    }
  }
}

function orderView(o: ModelOrder) {
  return {
    orderId: o.id,
    symbol: o.symbol,
    side: o.side,
    amount: o.amount,
    price: unscale(o.price),
    source: o.source,
    acceptedAt: new Date(o.acceptedAt).toISOString(),
  };
}

function levelsView(orders: ModelOrder[]) {
  const levels: { price: string; amount: string; orderCount: number; orders: ReturnType<typeof orderView>[] }[] = [];
  let sum = 0n;
  for (const o of orders) {
    const last = levels[levels.length - 1];
    if (last && last.price === unscale(o.price)) {
      last.orders.push(orderView(o));
      last.orderCount++;
      sum += BigInt(o.amount);
      last.amount = sum.toString();
    } else {
      sum = BigInt(o.amount);
      levels.push({ price: unscale(o.price), amount: sum.toString(), orderCount: 1, orders: [orderView(o)] });
    }
  }
  return levels;
}

/** The model's best bid (highest Buy), best ask (lowest Sell) and their difference. */
function topOfBook(buy: Array<{ price: bigint }>, sell: Array<{ price: bigint }>): { bestBid: string | null; bestAsk: string | null; spread: string | null } {
  const bid = buy.length === 0 ? undefined : buy.reduce((best, o) => (o.price > best ? o.price : best), buy[0]!.price);
  const ask = sell.length === 0 ? undefined : sell.reduce((best, o) => (o.price < best ? o.price : best), sell[0]!.price);
  const signed = (value: bigint): string => (value < 0n ? `-${unscale(-value)}` : unscale(value));
  return {
    bestBid: bid === undefined ? null : unscale(bid),
    bestAsk: ask === undefined ? null : unscale(ask),
    spread: bid === undefined || ask === undefined ? null : signed(ask - bid),
  };
}

function compareState(real: OrderManager, model: Model): void {
  const expectedOrders = model.symbols().flatMap((s) => [...model.sideInPriority(s, 'Buy'), ...model.sideInPriority(s, 'Sell')]);
  expect(real.orders()).toEqual(expectedOrders.map(orderView));
  for (const s of CANONICAL_SYMBOLS) {
    const buy = levelsView(model.sideInPriority(s, 'Buy'));
    const sell = levelsView(model.sideInPriority(s, 'Sell'));
    const top = topOfBook(model.sideInPriority(s, 'Buy'), model.sideInPriority(s, 'Sell'));
    expect(real.book(s, { orders: true })).toEqual({ symbol: s, convention: model.convention, ...top, buy, sell });
    const strip = (levels: typeof buy) => levels.map(({ orders: _orders, ...rest }) => rest);
    expect(real.book(s)).toEqual({ symbol: s, convention: model.convention, ...top, buy: strip(buy), sell: strip(sell) });
  }
  for (const id of ID_POOL) {
    const live = model.orders.find((o) => o.id === id);
    expect(real.getOrder(id)).toEqual(live ? orderView(live) : undefined);
  }
}

describe('the order manager agrees with a naive model', () => {
  for (const convention of ['document', 'market'] as const) {
    it(`${convention} convention: random command sequences`, () => {
      fc.assert(
        fc.property(fc.array(command, { minLength: 1, maxLength: 40 }), (commands) => {
          let now = BASE_MS;
          const real = createOrderManager({ convention, now: () => new Date(now) });
          const model = new Model(convention, true);
          expect(real.convention).toBe(convention);
          for (const cmd of commands) {
            now += 1000;
            step(real, model, cmd, now);
            compareState(real, model);
          }
        }),
        { numRuns: 1500 },
      );
    });
  }

  it('the model itself reproduces the document example (guards the model)', () => {
    const model = new Model('document', true);
    model.add(1, 'JPM', 'Buy', 20, scale('20'), null, 0);
    model.add(2, 'GOOG', 'Sell', 12, scale('25'), null, 0);
    model.add(3, 'AMZN', 'Sell', 7, scale('10'), null, 0);
    model.add(4, 'JPM', 'Buy', 10, scale('21'), null, 0);
    const quote = model.execute('JPM', 'Buy', 22, false, false);
    expect(quote.ok && unscale(quote.value.total)).toBe('442');
    const trade = model.execute('JPM', 'Buy', 22, false, true);
    expect(trade.ok && fillsView(trade.value.fills)).toEqual([
      { orderId: 1, amount: 20, price: '20' },
      { orderId: 4, amount: 2, price: '21' },
    ]);
    expect(model.orders.map((o) => [o.id, o.amount])).toEqual([
      [2, 12],
      [3, 7],
      [4, 8],
    ]);
    expect(unscale(scale('0.00000001'))).toBe('0.00000001');
    expect(unscale(scale('90071992.54740991') * BigInt(MAX))).toBe('811296384146066636813904.95662081');
  });
});

// ---------------------------------------------------------------------------
// The engine directly: many price levels, AVL invariants after every command.

type EngineCommand =
  | { kind: 'add'; id: number; symbol: string; side: Side; amount: number; price: number }
  | { kind: 'modify'; id: number; amount: number | undefined; price: number | undefined }
  | { kind: 'remove'; id: number }
  | { kind: 'trade'; symbol: string; side: Side; amount: number; partial: boolean }
  | { kind: 'measure'; symbol: string; side: Side; amount: number; partial: boolean };

const ENGINE_SYMBOLS = ['AAA', 'BBB'];
const engineId = fc.integer({ min: 1, max: 400 });
const enginePrice = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 300 }).map((n) => n * 100_000_000), weight: 4 },
  { arbitrary: fc.integer({ min: 1, max: 2000 }), weight: 1 },
  { arbitrary: fc.constantFrom(MAX, MAX - 1), weight: 1 },
);
const engineSymbol = fc.constantFrom(...ENGINE_SYMBOLS);
const engineSide = fc.constantFrom<Side>('Buy', 'Sell');
const engineCommand: fc.Arbitrary<EngineCommand> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ kind: fc.constant('add' as const), id: engineId, symbol: engineSymbol, side: engineSide, amount, price: enginePrice }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('modify' as const),
      id: engineId,
      amount: fc.option(fc.oneof({ arbitrary: amount, weight: 6 }, { arbitrary: fc.constant(0), weight: 1 }), { nil: undefined }),
      price: fc.option(enginePrice, { nil: undefined }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('remove' as const), id: engineId }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('trade' as const),
      symbol: engineSymbol,
      side: engineSide,
      amount: fc.oneof(fc.integer({ min: 1, max: 300 }), hugeAmount),
      partial: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('measure' as const), symbol: engineSymbol, side: engineSide, amount, partial: fc.boolean() }) },
);

function checkEngine(engine: Engine, model: Model): void {
  for (const s of ENGINE_SYMBOLS) {
    const book = engine.book(s);
    if (!book) {
      expect(model.orders.some((o) => o.symbol === s)).toBe(false);
      continue;
    }
    book.buy.checkInvariants();
    book.sell.checkInvariants();
    for (const bookSide of [book.buy, book.sell]) {
      const expected = model.sideInPriority(s, bookSide.side);
      const got: [number, number, number][] = [];
      for (let level = bookSide.best(); level; level = bookSide.after(level)) {
        for (let entry = level.head; entry; entry = entry.next) got.push([entry.orderId, entry.amount, level.price]);
      }
      expect(got).toEqual(expected.map((o) => [o.id, o.amount, Number(o.price)]));
      expect(bookSide.orderCount).toBe(expected.length);
      expect(bookSide.levelCount).toBe(new Set(expected.map((o) => o.price)).size);
      let volume = 0n;
      for (let level = bookSide.best(); level; level = bookSide.after(level)) volume += level.volume;
      expect(volume).toBe(expected.reduce((sum, o) => sum + BigInt(o.amount), 0n));
    }
  }
  expect(engine.orderCount).toBe(model.orders.length);
}

function engineStep(engine: Engine, model: Model, cmd: EngineCommand, now: number): void {
  switch (cmd.kind) {
    case 'add': {
      const got = attempt(() => {
        engine.add(cmd.id, cmd.symbol, cmd.side, cmd.amount, cmd.price, null);
      });
      expect(got).toEqual(model.add(cmd.id, cmd.symbol, cmd.side, cmd.amount, BigInt(cmd.price), null, now));
      return;
    }
    case 'modify': {
      const before = model.orders.find((o) => o.id === cmd.id);
      const beforeAmount = before?.amount;
      const beforePrice = before?.price;
      const got = attempt(() => engine.modify(cmd.id, cmd.amount, cmd.price));
      const want = model.modify(cmd.id, cmd.amount, cmd.price === undefined ? undefined : BigInt(cmd.price));
      if (!want.ok) {
        expect(got).toEqual(want);
        return;
      }
      expect(got.ok).toBe(true);
      if (got.ok) {
        const newAmount = cmd.amount ?? beforeAmount;
        const newPrice = cmd.price === undefined ? beforePrice : BigInt(cmd.price);
        const unchanged = newAmount === beforeAmount && newPrice === beforePrice;
        expect(got.value.changed).toBe(!unchanged);
        expect(got.value.removed).toBe(!unchanged && newAmount === 0);
        expect(got.value.entry.orderId).toBe(cmd.id);
      }
      return;
    }
    case 'remove': {
      const got = attempt(() => engine.remove(cmd.id).orderId);
      const want = model.remove(cmd.id);
      expect(got).toEqual(want.ok ? { ok: true, value: cmd.id } : want);
      return;
    }
    case 'trade':
    case 'measure': {
      const consume = cmd.kind === 'trade';
      // The engine keeps a total in a plain number while it is exact: compare values, not representations.
      const got = attempt(() => {
        const result = consume ? engine.trade(cmd.symbol, cmd.side, cmd.amount, cmd.partial) : engine.measure(cmd.symbol, cmd.side, cmd.amount, cmd.partial);
        return { ...result, total: BigInt(result.total) };
      });
      const want = model.execute(cmd.symbol, cmd.side, cmd.amount, cmd.partial, consume);
      if (!want.ok) {
        expect(got).toEqual(want);
        return;
      }
      const base = { requested: cmd.amount, filled: want.value.filled, total: want.value.total };
      expect(got).toEqual({
        ok: true,
        value: consume ? { ...base, fills: want.value.fills.map((f) => ({ ...f, price: Number(f.price) })) } : base,
      });
      return;
    }
  }
}

describe('the engine keeps its AVL tree and level links sound', () => {
  for (const convention of ['document', 'market'] as const) {
    it(`${convention} convention: many levels, invariants after every command`, () => {
      fc.assert(
        fc.property(fc.array(engineCommand, { minLength: 50, maxLength: 300 }), (commands) => {
          let now = BASE_MS;
          const engine = new Engine(convention, () => now);
          const model = new Model(convention, false);
          for (const cmd of commands) {
            now += 7;
            engineStep(engine, model, cmd, now);
            checkEngine(engine, model);
          }
          for (const order of model.orders) expect(engine.get(order.id)?.acceptedAt).toBe(order.acceptedAt);
        }),
        { numRuns: 120 },
      );
    });
  }

  it('builds and tears down a large tree in ascending, descending and shuffled order', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(Array.from({ length: 400 }, (_, i) => i + 1), { minLength: 200 }), fc.boolean(), (prices, ascendingFirst) => {
        const engine = new Engine('document', () => 0);
        const order = ascendingFirst ? [...prices].sort((a, b) => a - b) : prices;
        order.forEach((p, i) => engine.add(i + 1, 'T', 'Buy', 1, p, null));
        const side = engine.book('T')?.buy;
        if (!side) throw new Error('no side');
        side.checkInvariants();
        expect(side.levelCount).toBe(prices.length);
        // Balanced: the best level is the lowest price; walking gives every price ascending.
        const walked: number[] = [];
        for (let level = side.best(); level; level = side.after(level)) walked.push(level.price);
        expect(walked).toEqual([...prices].sort((a, b) => a - b));
        // Remove every other order by id, then trade the rest away in one walk.
        for (let i = 1; i <= order.length; i += 2) {
          engine.remove(i);
          side.checkInvariants();
        }
        const rest = order.filter((_, i) => i % 2 === 1);
        const result = engine.trade('T', 'Buy', rest.length, false);
        expect(result.fills.map((f) => f.price)).toEqual([...rest].sort((a, b) => a - b));
        side.checkInvariants();
        expect(side.levelCount).toBe(0);
        expect(side.best()).toBeNull();
      }),
      { numRuns: 60 },
    );
  });
});
