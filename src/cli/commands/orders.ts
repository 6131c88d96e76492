// oms orders: live orders, symbols A-Z, each book in priority order.

import { orderView } from '../../core/order-manager.js';
import { parseSide, parseSymbol } from '../../core/fields.js';
import type { CliContext } from '../context.js';
import { ordersText } from '../format/views.js';
import type { CommandOutput } from '../output.js';

export interface OrdersOptions {
  symbol?: string;
  side?: string;
}

export async function runOrders(options: OrdersOptions, ctx: CliContext): Promise<CommandOutput> {
  const symbol = options.symbol === undefined ? undefined : parseSymbol(options.symbol);
  const side = options.side === undefined ? undefined : parseSide(options.side);
  const ledger = await ctx.store().read();
  const orders = Array.from(ledger.engine.entries(symbol, side), orderView);
  return {
    json: { orders },
    text: () => (orders.length === 0 ? ctx.theme.dim('no live orders') : ordersText(ctx, orders)),
  };
}
