// oms quotes: stored quotes, newest first, each open, expired or used (with
// the trade that used it); `oms quotes <quoteId>` shows one.

import { quoteEntryJson, quotesJson } from '../../app/json.js';
import { quoteEntryText, quotesText } from '../../text/quotes.js';
import type { CliContext } from '../context.js';
import type { CommandOutput } from '../output.js';

export interface QuotesOptions {
  quoteId?: string;
  status?: string;
  symbol?: string;
  client?: string;
  limit?: string;
}

export async function runQuotes(options: QuotesOptions, ctx: CliContext): Promise<CommandOutput> {
  const app = await ctx.app();
  if (options.quoteId !== undefined) {
    const entry = await app.quote(options.quoteId);
    return { json: quoteEntryJson(entry), text: () => quoteEntryText(ctx, entry) };
  }
  const entries = await app.quotes(options);
  return { json: quotesJson(entries), text: () => quotesText(ctx, entries) };
}
