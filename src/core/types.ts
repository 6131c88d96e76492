// The domain's value types as the outside world sees them: what the library
// returns and what `--json` prints. Prices and totals are canonical decimal
// strings; ids and one order's amount are numbers; times are ISO-8601 UTC.

export type Side = 'Buy' | 'Sell';

/**
 * `document`: a Buy request walks the Buy side from the lowest price up, a
 * Sell request the Sell side from the highest down (the requirement
 * document's rule). `market`: a Buy request consumes the Sell side from the
 * lowest price up, a Sell request the Buy side from the highest down.
 */
export type Convention = 'document' | 'market';

export interface Order {
  orderId: number;
  symbol: string;
  side: Side;
  amount: number;
  price: string;
  source: string | null;
  acceptedAt: string;
}

export interface Fill {
  orderId: number;
  amount: number;
  price: string;
}

/** What `calculatePrice` with fills, a quote and a trade have in common. */
export interface Execution {
  symbol: string;
  side: Side;
  requested: number;
  filled: number;
  total: string;
  partial: boolean;
  fills: Fill[];
}

export interface PriceLevelView {
  price: string;
  /** Sum of the level's amounts: a decimal string, it can pass 2^53. */
  amount: string;
  orderCount: number;
  orders?: Order[];
}

export interface BookView {
  symbol: string;
  convention: Convention;
  /** The highest Buy price (whatever the convention), or null when the Buy side is empty. */
  bestBid: string | null;
  /** The lowest Sell price, or null when the Sell side is empty. */
  bestAsk: string | null;
  /**
   * bestAsk − bestBid, or null unless both sides have orders. Orders never
   * match each other here, so a book can be crossed: then it is negative.
   */
  spread: string | null;
  buy: PriceLevelView[];
  sell: PriceLevelView[];
}

export interface PlaceTradeResult {
  requested: number;
  filled: number;
  total: string;
  partial: boolean;
  fills: Fill[];
}

export interface PricingOptions {
  partial?: boolean;
}
