// oms book: both sides of one symbol in priority order, by price level.

import { parseCount, parseSymbol } from '../../core/fields.js';
import type { CliContext } from '../context.js';
import { bookText } from '../format/views.js';
import type { CommandOutput } from '../output.js';

export interface BookOptions {
  symbol: string;
  depth?: string;
  orders?: boolean;
}

export const DEFAULT_DEPTH = 10;

export async function runBook(options: BookOptions, ctx: CliContext): Promise<CommandOutput> {
  const symbol = parseSymbol(options.symbol);
  const depth = options.depth === undefined ? DEFAULT_DEPTH : parseCount(options.depth, 'depth');
  const view = await (await ctx.store()).read({ symbol });
  const book = view.book(symbol, { depth, orders: options.orders === true });
  return { json: book, text: () => bookText(ctx, book, options.orders === true) };
}
