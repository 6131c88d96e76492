// The pricing convention said where it matters (issue 17): it decides which
// side a request walks, it is fixed when a state is created, and until now it
// surprised people who had not read the docs. One wording, used by init,
// status, book, price, the creation notice and the help.

import { walkedSide } from '../core/convention.js';
import type { Convention, Side } from '../core/types.js';

export function otherConvention(convention: Convention): Convention {
  return convention === 'document' ? 'market' : 'document';
}

/** "document convention: a Buy request walks the Buy side, a Sell request the Sell side". */
export function conventionRule(convention: Convention): string {
  return `${convention} convention: a Buy request walks the ${walkedSide(convention, 'Buy')} side, a Sell request the ${walkedSide(convention, 'Sell')} side`;
}

/** "(document convention: walks the Buy side)", after a request. */
export function walksNote(convention: Convention, side: Side): string {
  return `(${convention} convention: walks the ${walkedSide(convention, side)} side)`;
}

/** How to get the other convention, for a state that was just created. */
export function otherConventionHint(convention: Convention): string {
  const other = otherConvention(convention);
  return `it never changes for this state; for the ${other} convention, start a new state with oms --state NEW.json init --convention ${other}`;
}

export const CONVENTIONS_HELP = `Conventions (fixed when a state is created; oms status shows it):
  document (default)  a Buy request walks the Buy side from the lowest price up,
                      a Sell request the Sell side from the highest price down
  market              a Buy request walks the Sell side from the lowest price up,
                      a Sell request the Buy side from the highest price down
  Choose with: oms init --convention market (before the first order)`;
