// The package entry: the order manager as a library, with the document's
// interface (addOrder, removeOrder, modifyOrder, calculatePrice, placeTrade)
// taking plain JS values, and the system clock unless another is given.

import { formatScaled, parsePrice } from './core/decimal.js';
import { OmsError } from './core/errors.js';
import { parseAmount, parseConvention, parseNewAmount, parseOrderId, parseSide, parseSymbol, parseText } from './core/fields.js';
import { fillView, OrderManager as Engine, orderView } from './core/order-manager.js';
import type { BookView, Convention, Order, PlaceTradeResult, PricingOptions, Side } from './core/types.js';
import { bookView, type BookViewOptions } from './core/views.js';

export { OmsError, isOmsError, ERROR_CODES } from './core/errors.js';
export type { ErrorCode, ErrorDetails, Problem } from './core/errors.js';
export type { BookView, Convention, Execution, Fill, Order, PlaceTradeResult, PriceLevelView, PricingOptions, Side } from './core/types.js';
export type { BookViewOptions } from './core/views.js';

export interface OrderManagerOptions {
  convention?: Convention;
  /** The clock orders are stamped with; the system clock by default. */
  now?: () => Date;
}

export interface OrderManager {
  readonly convention: Convention;
  addOrder(orderId: number, symbol: string, side: Side, amount: number, price: number | string, source?: string): void;
  removeOrder(orderId: number): void;
  modifyOrder(orderId: number, amount: number, price: number | string): void;
  calculatePrice(symbol: string, side: Side, amount: number, opts?: PricingOptions): string;
  placeTrade(symbol: string, side: Side, amount: number, opts?: PricingOptions): PlaceTradeResult;
  getOrder(orderId: number): Order | undefined;
  book(symbol: string, options?: BookViewOptions): BookView;
  orders(filter?: { symbol?: string; side?: Side }): Order[];
}

/**
 * Creates an in-memory order manager. Order ids are unique for its life: an
 * id that was removed or filled cannot be added again (DUPLICATE_ORDER_ID),
 * and removing it again does nothing.
 */
export function createOrderManager(options: OrderManagerOptions = {}): OrderManager {
  const convention = parseConvention(options.convention ?? 'document');
  const now = options.now;
  const engine = new Engine(convention, now ? () => now().getTime() : Date.now);
  const retired = new Set<number>();

  return {
    convention,
    addOrder(orderId, symbol, side, amount, price, source) {
      const id = parseOrderId(orderId);
      const fields = [parseSymbol(symbol), parseSide(side), parseAmount(amount), parsePrice(price), parseText(source, 'source')] as const;
      if (retired.has(id)) {
        throw new OmsError('DUPLICATE_ORDER_ID', `order ${id} existed before; order ids are never reused`, { field: 'orderId', value: String(id) });
      }
      engine.add(id, ...fields);
    },
    removeOrder(orderId) {
      const id = parseOrderId(orderId);
      try {
        engine.remove(id);
      } catch (error) {
        // A gone id is the rare case, checked only when the live lookup fails.
        if (retired.has(id)) return;
        throw error;
      }
      retired.add(id);
    },
    modifyOrder(orderId, amount, price) {
      const id = parseOrderId(orderId);
      const outcome = engine.modify(id, parseNewAmount(amount), parsePrice(price));
      if (outcome.removed) retired.add(id);
    },
    calculatePrice(symbol, side, amount, opts = {}) {
      return formatScaled(engine.measure(parseSymbol(symbol), parseSide(side), parseAmount(amount), opts.partial === true).total);
    },
    placeTrade(symbol, side, amount, opts = {}) {
      const result = engine.trade(parseSymbol(symbol), parseSide(side), parseAmount(amount), opts.partial === true);
      for (const fill of result.fills) if (!engine.get(fill.orderId)) retired.add(fill.orderId);
      return {
        requested: result.requested,
        filled: result.filled,
        total: formatScaled(result.total),
        partial: result.filled < result.requested,
        fills: result.fills.map(fillView),
      };
    },
    getOrder(orderId) {
      const entry = engine.get(parseOrderId(orderId));
      return entry ? orderView(entry) : undefined;
    },
    book(symbol, viewOptions) {
      return bookView(engine, parseSymbol(symbol), viewOptions);
    },
    orders(filter = {}) {
      const symbol = filter.symbol === undefined ? undefined : parseSymbol(filter.symbol);
      const side = filter.side === undefined ? undefined : parseSide(filter.side);
      return [...engine.entries(symbol, side)].map(orderView);
    },
  };
}
