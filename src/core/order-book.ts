// The live orders of one symbol: a Buy side and a Sell side, each sorted in the
// direction the convention says requests consume it.

import { BookSide } from './book-side.js';
import { walkedSide, walksUp } from './convention.js';
import type { Convention, Side } from './types.js';

export class OrderBook {
  readonly buy: BookSide;
  readonly sell: BookSide;
  /** The sides a Buy and a Sell request consume, decided once per book (pricing is the hot path). */
  private readonly walkedByBuy: BookSide;
  private readonly walkedBySell: BookSide;

  constructor(
    readonly symbol: string,
    readonly convention: Convention,
  ) {
    this.buy = new BookSide(symbol, 'Buy', walksUp(convention, 'Buy'));
    this.sell = new BookSide(symbol, 'Sell', walksUp(convention, 'Sell'));
    this.walkedByBuy = this.side(walkedSide(convention, 'Buy'));
    this.walkedBySell = this.side(walkedSide(convention, 'Sell'));
  }

  side(side: Side): BookSide {
    return side === 'Buy' ? this.buy : this.sell;
  }

  /** The side a request of `side` consumes under this book's convention. */
  consumedBy(side: Side): BookSide {
    return side === 'Buy' ? this.walkedByBuy : this.walkedBySell;
  }

  get isEmpty(): boolean {
    return this.buy.orderCount === 0 && this.sell.orderCount === 0;
  }
}
