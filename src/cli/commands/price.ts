// oms price: what calculatePrice gives right now. Read-only: no lock, nothing stored.

import { parseAmount, parseSide, parseSymbol } from '../../core/fields.js';
import type { CliContext } from '../context.js';
import { executionText } from '../format/views.js';
import type { CommandOutput } from '../output.js';

export interface PriceOptions {
  symbol: string;
  side: string;
  amount: string;
  partial?: boolean;
}

export async function runPrice(options: PriceOptions, ctx: CliContext): Promise<CommandOutput> {
  const symbol = parseSymbol(options.symbol);
  const side = parseSide(options.side);
  const amount = parseAmount(options.amount);
  const view = await (await ctx.store()).read({ symbol });
  const execution = view.price(symbol, side, amount, options.partial === true);
  return {
    json: execution,
    text: () => executionText(ctx, `${symbol} ${ctx.theme.side(side)} ${amount}`, execution),
  };
}
