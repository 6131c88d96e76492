// A StateView over a ledger: the read-only face every store hands out, so a
// caller gets copies and can never reach the engine a later write mutates.
// Facts about gone orders are fetched from the store's archive on demand.

import { statusNeeds, type Archive, type Ledger, type OrderStatus } from '../core/ledger.js';
import type { Side } from '../core/types.js';
import type { StateView } from './store.js';

export function ledgerView(ledger: Ledger, archive: Archive): StateView {
  return {
    convention: ledger.convention,
    get orderCount() {
      return ledger.orderCount;
    },
    symbols: () => ledger.symbols(),
    order: (orderId) => ledger.order(orderId),
    orders: (filter: { symbol?: string; side?: Side } = {}) => ledger.orders(filter.symbol, filter.side),
    book: (symbol, options) => ledger.book(symbol, options),
    price: (symbol, side, amount, partial) => ledger.price(symbol, side, amount, partial),
    async orderStatus(orderId): Promise<OrderStatus> {
      if (ledger.isLive(orderId)) return ledger.orderStatus(orderId, new Map());
      return ledger.orderStatus(orderId, await archive.fetch(statusNeeds(orderId)));
    },
  };
}
