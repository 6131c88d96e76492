// oms orders: live orders, symbols A-Z, each book in priority order.

import { parseSide, parseSymbol } from '../../core/fields.js';
import type { CliContext } from '../context.js';
import { ordersTable } from '../format/views.js';
import type { CommandOutput } from '../output.js';

export interface OrdersOptions {
  symbol?: string;
  side?: string;
}

export async function runOrders(options: OrdersOptions, ctx: CliContext): Promise<CommandOutput> {
  const symbol = options.symbol === undefined ? undefined : parseSymbol(options.symbol);
  const side = options.side === undefined ? undefined : parseSide(options.side);
  const view = await (await ctx.store()).read(symbol === undefined ? {} : { symbol });
  const orders = Array.from(view.orders({ ...(symbol !== undefined ? { symbol } : {}), ...(side !== undefined ? { side } : {}) }));
  return {
    json: { orders },
    text: () => (orders.length === 0 ? ctx.theme.dim('no live orders') : ordersTable(ctx, orders)),
  };
}
