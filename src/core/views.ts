// Read-only views of the order manager in the shapes of SPEC §3, shared by the
// library, the CLI and the HTTP API so a book looks the same everywhere.

import type { BookSide } from './book-side.js';
import { formatScaled } from './decimal.js';
import type { OrderManager } from './order-manager.js';
import { orderView } from './order-manager.js';
import type { BookView, PriceLevelView } from './types.js';

export interface BookViewOptions {
  /** Price levels per side; all when absent. */
  depth?: number;
  /** List each level's orders too. */
  orders?: boolean;
}

function levels(side: BookSide | undefined, options: BookViewOptions): PriceLevelView[] {
  const out: PriceLevelView[] = [];
  if (!side) return out;
  const depth = options.depth ?? Infinity;
  for (let level = side.best(); level && out.length < depth; level = side.after(level)) {
    const view: PriceLevelView = { price: formatScaled(level.price), amount: level.volume.toString(), orderCount: level.count };
    if (options.orders) {
      view.orders = [];
      for (let entry = level.head; entry; entry = entry.next) view.orders.push(orderView(entry));
    }
    out.push(view);
  }
  return out;
}

/** A difference of two scaled prices, signed (formatScaled takes no sign). */
function signedScaled(value: number): string {
  return value < 0 ? `-${formatScaled(-value)}` : formatScaled(value);
}

export function bookView(manager: OrderManager, symbol: string, options: BookViewOptions = {}): BookView {
  const book = manager.book(symbol);
  // The extremes of each side whatever the walk order or depth: O(1) (the sides keep their ends).
  const bid = book?.buy.highest?.price;
  const ask = book?.sell.lowest?.price;
  return {
    symbol,
    convention: manager.convention,
    bestBid: bid === undefined ? null : formatScaled(bid),
    bestAsk: ask === undefined ? null : formatScaled(ask),
    spread: bid === undefined || ask === undefined ? null : signedScaled(ask - bid),
    buy: levels(book?.buy, options),
    sell: levels(book?.sell, options),
  };
}
