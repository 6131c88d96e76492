// oms orders: live orders, symbols A-Z, each book in priority order.

import { ordersText } from '../../text/listings.js';
import type { CliContext } from '../context.js';
import type { CommandOutput } from '../output.js';

export interface OrdersOptions {
  symbol?: string;
  side?: string;
}

export async function runOrders(options: OrdersOptions, ctx: CliContext): Promise<CommandOutput> {
  const orders = await (await ctx.app()).orders(options);
  return { json: { orders }, text: () => ordersText(ctx, orders) };
}
