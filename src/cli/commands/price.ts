// oms price: what calculatePrice gives right now. Read-only: no lock, nothing stored.

import { OmsError } from '../../core/errors.js';
import { parseSymbol } from '../../core/fields.js';
import { walksNote } from '../../text/convention.js';
import { executionText } from '../../text/views.js';
import type { CliContext } from '../context.js';
import type { CommandOutput } from '../output.js';
import { noticeUnknownSymbol } from '../unknown-symbol.js';

export interface PriceOptions {
  symbol: string;
  side: string;
  amount: string;
  partial?: boolean;
}

export async function runPrice(options: PriceOptions, ctx: CliContext): Promise<CommandOutput> {
  const app = await ctx.app();
  const execution = await app.price(options).catch(async (error: unknown) => {
    if (error instanceof OmsError && error.code === 'INSUFFICIENT_LIQUIDITY') await noticeUnknownSymbol(ctx, parseSymbol(options.symbol));
    throw error;
  });
  if (execution.filled === 0) await noticeUnknownSymbol(ctx, execution.symbol);
  const { convention } = await app.status();
  return {
    json: execution,
    text: () =>
      executionText(ctx, `${execution.symbol} ${ctx.theme.side(execution.side)} ${execution.requested} ${ctx.theme.dim(walksNote(convention, execution.side))}`, execution),
  };
}
