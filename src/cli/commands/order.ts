// oms order: one order, live, or how it left the book.

import { orderStatusJson } from '../../app/json.js';
import { orderStatusText } from '../../text/listings.js';
import type { CliContext } from '../context.js';
import type { CommandOutput } from '../output.js';

export interface OrderOptions {
  orderId: string;
}

export async function runOrder(options: OrderOptions, ctx: CliContext): Promise<CommandOutput> {
  const found = await (await ctx.app()).order(options.orderId);
  return { json: orderStatusJson(found), text: () => orderStatusText(ctx, found) };
}
