// A typo'd symbol otherwise looks like an empty book (issue 17): `book` and
// `price` of a symbol this state has no book for say so on stderr. The result
// and the exit code stay what SPEC §3 says (an empty book, exit 0; a price
// with nothing to walk, INSUFFICIENT_LIQUIDITY).

import type { StateView } from '../store/store.js';
import type { CliContext } from './context.js';

const SHOWN = 10;

export async function noticeUnknownSymbol(ctx: CliContext, view: StateView, symbol: string): Promise<void> {
  if (view.symbols().includes(symbol)) return;
  // A view scoped to one symbol may not know the others: the status lists them all.
  const { symbols } = await (await ctx.store()).status();
  const known = symbols.length === 0 ? 'no symbols there yet' : `symbols there: ${symbols.slice(0, SHOWN).join(', ')}${symbols.length > SHOWN ? `, ... (${symbols.length} in all)` : ''}`;
  ctx.notice(`no book for ${symbol} in ${ctx.statePath} (${known}); check the spelling, or --state`);
}
