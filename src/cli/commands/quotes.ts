// oms quotes: stored quotes, newest first, each open, expired or used (with
// the trade that used it); `oms quotes <quoteId>` shows one.

import { averagePrice } from '../../app/average.js';
import { quoteEntryJson, quotesJson } from '../../app/json.js';
import type { QuoteEntry } from '../../app/oms.js';
import { quoteEntryText, quotesText } from '../../text/quotes.js';
import type { CliContext } from '../context.js';
import { freeText, listOutput, parseListFormat } from '../list-format.js';
import type { CommandOutput } from '../output.js';

export interface QuotesOptions {
  quoteId?: string;
  status?: string;
  symbol?: string;
  client?: string;
  limit?: string;
  format?: string;
}

export const QUOTE_LIST_COLUMNS = ['quote_id', 'symbol', 'side', 'requested', 'filled', 'total', 'average_price', 'client', 'quoted_at', 'expires_at', 'status', 'trade_id'];

export async function runQuotes(options: QuotesOptions, ctx: CliContext): Promise<CommandOutput> {
  const format = parseListFormat(options.format);
  const app = await ctx.app();
  const one = options.quoteId === undefined ? undefined : await app.quote(options.quoteId);
  const entries = one ? [one] : await app.quotes(options);
  return listOutput<QuoteEntry>(format, one ? quoteEntryJson(one) : quotesJson(entries), () => (one ? quoteEntryText(ctx, one) : quotesText(ctx, entries)), {
    columns: QUOTE_LIST_COLUMNS,
    items: entries,
    rows: ({ quote: q, quotedAt, status, trade }) => [
      q.quoteId,
      q.symbol,
      q.side,
      q.requested,
      q.filled,
      q.total,
      averagePrice(q.total, q.filled),
      freeText(q.client),
      quotedAt,
      q.expiresAt,
      status,
      trade?.tradeId ?? null,
    ],
  });
}
