// The order manager: every live order of every symbol, and the rules of
// SPEC §1 for adding, modifying, removing, pricing and trading. It works in
// scaled units (see decimal.ts), does no I/O and reads time only from the
// clock it was given, so replaying the same calls gives the same state.

import type { BookSide } from './book-side.js';
import { formatScaled } from './decimal.js';
import { OmsError } from './errors.js';
import { OrderBook } from './order-book.js';
import { OrderEntry, type PriceLevel } from './price-level.js';
import type { Convention, Fill, Order, Side } from './types.js';

/** A fill in scaled units, before it is shown. */
export interface RawFill {
  orderId: number;
  amount: number;
  price: number;
}

export interface Measure {
  requested: number;
  filled: number;
  /** Scaled by 1e8: a plain number while it is exact, a BigInt past 2^53. */
  total: number | bigint;
}

export interface RawExecution extends Measure {
  fills: RawFill[];
}

export interface ModifyOutcome {
  entry: OrderEntry;
  changed: boolean;
  removed: boolean;
}

export type Clock = () => number;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export class OrderManager {
  private readonly books = new Map<string, OrderBook>();
  private readonly live = new Map<number, OrderEntry>();

  constructor(
    readonly convention: Convention,
    private readonly clock: Clock,
  ) {}

  get orderCount(): number {
    return this.live.size;
  }

  get(orderId: number): OrderEntry | undefined {
    return this.live.get(orderId);
  }

  book(symbol: string): OrderBook | undefined {
    return this.books.get(symbol);
  }

  /** Symbols that have ever had an order here, A-Z. */
  symbols(): string[] {
    return [...this.books.keys()].sort();
  }

  add(orderId: number, symbol: string, side: Side, amount: number, price: number, source: string | null): OrderEntry {
    if (this.live.has(orderId)) {
      throw new OmsError('DUPLICATE_ORDER_ID', `order ${orderId} already exists`, { field: 'orderId', value: String(orderId) });
    }
    return this.place(new OrderEntry(orderId, amount, source, this.clock()), symbol, side, price);
  }

  /**
   * Puts an order back exactly as it was (its accept time included) at the
   * back of its level: how a snapshot, written in priority order, is reloaded.
   */
  restore(orderId: number, symbol: string, side: Side, amount: number, price: number, source: string | null, acceptedAt: number): OrderEntry {
    return this.place(new OrderEntry(orderId, amount, source, acceptedAt), symbol, side, price);
  }

  private place(entry: OrderEntry, symbol: string, side: Side, price: number): OrderEntry {
    let book = this.books.get(symbol);
    if (!book) {
      book = new OrderBook(symbol, this.convention);
      this.books.set(symbol, book);
    }
    book.side(side).append(entry, price);
    this.live.set(entry.orderId, entry);
    return entry;
  }

  remove(orderId: number): OrderEntry {
    const entry = this.require(orderId);
    this.drop(entry);
    return entry;
  }

  /**
   * Sets new absolute values. A price change or an amount increase sends the
   * order to the back of its (new) level; a pure decrease keeps its place;
   * the values it already has change nothing; amount 0 removes it.
   */
  modify(orderId: number, amount: number | undefined, price: number | undefined): ModifyOutcome {
    const entry = this.require(orderId);
    const level = entry.level as PriceLevel;
    const newAmount = amount ?? entry.amount;
    const newPrice = price ?? level.price;
    if (newAmount === entry.amount && newPrice === level.price) return { entry, changed: false, removed: false };
    if (newAmount === 0) {
      this.drop(entry);
      return { entry, changed: true, removed: true };
    }
    if (newPrice !== level.price || newAmount > entry.amount) {
      const side = level.side;
      side.detach(entry);
      entry.amount = newAmount;
      side.append(entry, newPrice);
    } else {
      level.resize(entry, newAmount);
    }
    return { entry, changed: true, removed: false };
  }

  /** Total for `amount` without fills; nothing changes. */
  measure(symbol: string, side: Side, amount: number, partial: boolean): Measure {
    const book = this.books.get(symbol);
    const consumed = book ? book.consumedBy(side) : undefined;
    let remaining = amount;
    // Summed in a plain number while it stays exact (a float result past 2^53
    // is at least 2^53, so the test is exact), in BigInt from there on.
    let small = 0;
    let big: bigint | null = null;
    if (consumed) {
      for (let level = consumed.best(); level && remaining > 0; level = consumed.after(level)) {
        const take = level.upTo(remaining);
        remaining -= take;
        if (big === null) {
          const next = small + take * level.price;
          if (next <= MAX_SAFE) {
            small = next;
            continue;
          }
          big = BigInt(small);
        }
        big += BigInt(take) * BigInt(level.price);
      }
    }
    const total = big ?? small;
    const filled = amount - remaining;
    if (remaining > 0 && !partial) this.shortOf(symbol, side, amount, filled);
    return { requested: amount, filled, total };
  }

  /** The fills a trade would make right now, order by order; nothing changes. */
  preview(symbol: string, side: Side, amount: number, partial: boolean): RawExecution {
    return this.walk(symbol, side, amount, partial, false);
  }

  /** Takes the amount from the orders in priority order; emptied orders go. */
  trade(symbol: string, side: Side, amount: number, partial: boolean): RawExecution {
    return this.walk(symbol, side, amount, partial, true);
  }

  private walk(symbol: string, side: Side, amount: number, partial: boolean, consume: boolean): RawExecution {
    const { filled, total } = this.measure(symbol, side, amount, partial);
    const fills: RawFill[] = [];
    const consumed = this.books.get(symbol)?.consumedBy(side);
    let remaining = filled;
    let level = consumed ? consumed.best() : null;
    while (level && remaining > 0) {
      const nextLevel = (consumed as BookSide).after(level);
      let entry = level.head;
      while (entry && remaining > 0) {
        const nextEntry = entry.next;
        const take = entry.amount <= remaining ? entry.amount : remaining;
        fills.push({ orderId: entry.orderId, amount: take, price: level.price });
        remaining -= take;
        if (consume) {
          if (take === entry.amount) this.drop(entry);
          else level.resize(entry, entry.amount - take);
        }
        entry = nextEntry;
      }
      level = nextLevel;
    }
    return { requested: amount, filled, total, fills };
  }

  private shortOf(symbol: string, side: Side, amount: number, available: number): never {
    throw new OmsError(
      'INSUFFICIENT_LIQUIDITY',
      `${symbol} ${side} ${amount}: only ${available} available`,
      { field: 'amount', value: String(amount), available: String(available) },
    );
  }

  private require(orderId: number): OrderEntry {
    const entry = this.live.get(orderId);
    if (!entry) {
      throw new OmsError('ORDER_NOT_FOUND', `order ${orderId} not found`, { field: 'orderId', value: String(orderId) });
    }
    return entry;
  }

  private drop(entry: OrderEntry): void {
    (entry.level as PriceLevel).side.detach(entry);
    this.live.delete(entry.orderId);
  }

  /** Live orders: symbols A-Z, each book Buy side then Sell side, in priority order. */
  *entries(symbol?: string, side?: Side): Generator<OrderEntry> {
    const symbols = symbol === undefined ? this.symbols() : [symbol];
    for (const name of symbols) {
      const book = this.books.get(name);
      if (!book) continue;
      for (const bookSide of side ? [book.side(side)] : [book.buy, book.sell]) {
        for (let level = bookSide.best(); level; level = bookSide.after(level)) {
          for (let entry = level.head; entry; entry = entry.next) yield entry;
        }
      }
    }
  }
}

export function orderView(entry: OrderEntry): Order {
  const level = entry.level as PriceLevel;
  return {
    orderId: entry.orderId,
    symbol: level.side.symbol,
    side: level.side.side,
    amount: entry.amount,
    price: formatScaled(level.price),
    source: entry.source,
    acceptedAt: new Date(entry.acceptedAt).toISOString(),
  };
}

export function fillView(fill: RawFill): Fill {
  return { orderId: fill.orderId, amount: fill.amount, price: formatScaled(fill.price) };
}
