// oms trades: executed trades, newest first, from the journal.

import { tradesText } from '../../text/listings.js';
import type { CliContext } from '../context.js';
import type { CommandOutput } from '../output.js';

export interface TradesOptions {
  symbol?: string;
  client?: string;
  limit?: string;
}

export async function runTrades(options: TradesOptions, ctx: CliContext): Promise<CommandOutput> {
  const trades = await (await ctx.app()).trades(options);
  return { json: { trades }, text: () => tradesText(ctx, trades) };
}
