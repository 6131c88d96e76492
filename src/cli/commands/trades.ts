// oms trades: executed trades, newest first, from the journal.

import { parseCount, parseSymbol, parseText } from '../../core/fields.js';
import type { TradeView } from '../../core/ledger.js';
import type { CliContext } from '../context.js';
import { renderTable } from '../format/table.js';
import type { CommandOutput } from '../output.js';

export interface TradesOptions {
  symbol?: string;
  client?: string;
  limit?: string;
}

export const DEFAULT_LIMIT = 50;

export async function runTrades(options: TradesOptions, ctx: CliContext): Promise<CommandOutput> {
  const symbol = options.symbol === undefined ? undefined : parseSymbol(options.symbol);
  const client = options.client === undefined ? undefined : parseText(options.client, 'client');
  const limit = options.limit === undefined ? DEFAULT_LIMIT : parseCount(options.limit, 'limit');
  const trades: TradeView[] = [];
  for await (const record of (await ctx.store()).history({
    limit,
    filter: (record) => {
      if (record.cmd.type !== 'trade' && record.cmd.type !== 'tradeQuote') return false;
      const trade = record.res as TradeView;
      return (symbol === undefined || trade.symbol === symbol) && (client === undefined || trade.client === client);
    },
  })) {
    trades.push(record.res as TradeView);
  }
  return {
    json: { trades },
    text: () =>
      trades.length === 0
        ? ctx.theme.dim('no trades')
        : renderTable(
            ctx,
            [
              { title: 'Trade', align: 'right' },
              { title: 'Symbol' },
              { title: 'Side' },
              { title: 'Requested', align: 'right' },
              { title: 'Filled', align: 'right' },
              { title: 'Total', align: 'right' },
              { title: 'Client' },
              { title: 'Quote', align: 'right' },
              { title: 'Executed' },
            ],
            trades.map((trade) => [
              String(trade.tradeId),
              trade.symbol,
              ctx.theme.side(trade.side),
              String(trade.requested),
              String(trade.filled),
              trade.total,
              trade.client ?? '',
              trade.quoteId === null ? '' : String(trade.quoteId),
              trade.executedAt,
            ]),
          ),
  };
}
