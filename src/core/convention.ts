// Which side of a book a request walks, and in which direction, under each
// convention (SPEC §1). The book, the formatters and the prompts all ask
// here, so the rule is written once.

import type { Convention, Side } from './types.js';

/** The side a request of `side` consumes: its own (document) or the opposite one (market). */
export function walkedSide(convention: Convention, side: Side): Side {
  if (convention === 'document') return side;
  return side === 'Buy' ? 'Sell' : 'Buy';
}

/** True when a book side is walked from its lowest price up (its priority order). */
export function walksUp(convention: Convention, bookSide: Side): boolean {
  return convention === 'document' ? bookSide === 'Buy' : bookSide === 'Sell';
}
