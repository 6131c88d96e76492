// oms book: both sides of one symbol in priority order, by price level.

import { bookText } from '../../text/views.js';
import type { CliContext } from '../context.js';
import type { CommandOutput } from '../output.js';
import { noticeUnknownSymbol } from '../unknown-symbol.js';

export interface BookOptions {
  symbol: string;
  depth?: string;
  orders?: boolean;
}

export async function runBook(options: BookOptions, ctx: CliContext): Promise<CommandOutput> {
  const book = await (await ctx.app()).book(options);
  if (book.buy.length === 0 && book.sell.length === 0) await noticeUnknownSymbol(ctx, book.symbol);
  return { json: book, text: () => bookText(ctx, book, options.orders === true) };
}
