// oms trades: executed trades, newest first, from the journal.

import { tradesJson } from '../../app/json.js';
import { averagePrice } from '../../app/average.js';
import type { TradeView } from '../../core/ledger.js';
import { tradesText } from '../../text/listings.js';
import type { CliContext } from '../context.js';
import { freeText, listOutput, parseListFormat } from '../list-format.js';
import type { CommandOutput } from '../output.js';

export interface TradesOptions {
  symbol?: string;
  client?: string;
  limit?: string;
  format?: string;
}

export const TRADE_LIST_COLUMNS = ['trade_id', 'symbol', 'side', 'requested', 'filled', 'total', 'average_price', 'client', 'quote_id', 'op_id', 'executed_at'];

export async function runTrades(options: TradesOptions, ctx: CliContext): Promise<CommandOutput> {
  const format = parseListFormat(options.format);
  const trades = await (await ctx.app()).trades(options);
  return listOutput<TradeView>(format, tradesJson(trades), () => tradesText(ctx, trades), {
    columns: TRADE_LIST_COLUMNS,
    items: trades,
    rows: (t) => [t.tradeId, t.symbol, t.side, t.requested, t.filled, t.total, averagePrice(t.total, t.filled), freeText(t.client), t.quoteId, freeText(t.opId), t.executedAt],
  });
}
