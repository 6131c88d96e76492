// The live orders of one symbol: a Buy side and a Sell side, each sorted in the
// direction the convention says requests consume it.

import { BookSide } from './book-side.js';
import type { Convention, Side } from './types.js';

export class OrderBook {
  readonly buy: BookSide;
  readonly sell: BookSide;

  constructor(
    readonly symbol: string,
    readonly convention: Convention,
  ) {
    // document: Buy requests walk Buy from the lowest price, Sell requests walk
    // Sell from the highest. market: asks from the lowest, bids from the highest.
    this.buy = new BookSide(symbol, 'Buy', convention === 'document');
    this.sell = new BookSide(symbol, 'Sell', convention === 'market');
  }

  side(side: Side): BookSide {
    return side === 'Buy' ? this.buy : this.sell;
  }

  /** The side a request of `side` consumes under this book's convention. */
  consumedBy(side: Side): BookSide {
    if (this.convention === 'document') return this.side(side);
    return side === 'Buy' ? this.sell : this.buy;
  }

  get isEmpty(): boolean {
    return this.buy.orderCount === 0 && this.sell.orderCount === 0;
  }
}
