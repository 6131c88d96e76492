// oms price: what calculatePrice gives right now. Read-only: no lock, nothing stored.

import { executionText } from '../../text/views.js';
import type { CliContext } from '../context.js';
import type { CommandOutput } from '../output.js';

export interface PriceOptions {
  symbol: string;
  side: string;
  amount: string;
  partial?: boolean;
}

export async function runPrice(options: PriceOptions, ctx: CliContext): Promise<CommandOutput> {
  const execution = await (await ctx.app()).price(options);
  return {
    json: execution,
    text: () => executionText(ctx, `${execution.symbol} ${ctx.theme.side(execution.side)} ${execution.requested}`, execution),
  };
}
