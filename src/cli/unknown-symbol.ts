// A typo'd symbol otherwise looks like an empty book (issue 17): `book` and
// `price` of a symbol this state has no book for say so on stderr. The result
// and the exit code stay what SPEC §3 says (an empty book, exit 0; a price
// with nothing to walk, INSUFFICIENT_LIQUIDITY). Asked only when the answer
// came back empty, so a normal price pays nothing for it.

import type { CliContext } from './context.js';

const SHOWN = 10;

export async function noticeUnknownSymbol(ctx: CliContext, symbol: string): Promise<void> {
  const { symbols } = await (await ctx.app()).status();
  if (symbols.includes(symbol)) return;
  const known = symbols.length === 0 ? 'no symbols there yet' : `symbols there: ${symbols.slice(0, SHOWN).join(', ')}${symbols.length > SHOWN ? `, ... (${symbols.length} in all)` : ''}`;
  ctx.notice(`no book for ${symbol} in ${ctx.statePath} (${known}); check the spelling, or --state`);
}
