// oms order: one order, live, or how it left the book.

import { parseOrderId } from '../../core/fields.js';
import type { CliContext } from '../context.js';
import { ordersTable } from '../format/views.js';
import type { CommandOutput } from '../output.js';

export interface OrderOptions {
  orderId: string;
}

export async function runOrder(options: OrderOptions, ctx: CliContext): Promise<CommandOutput> {
  const orderId = parseOrderId(options.orderId);
  const view = await (await ctx.store()).read();
  const found = await view.orderStatus(orderId);
  const { how, ...json } = found as typeof found & { how?: string };
  return {
    json,
    text: async () => {
      const table = await ordersTable(ctx, [found.order]);
      if (found.status === 'live') return `${table}\nStatus: ${ctx.theme.good('live')}`;
      return `${table}\nStatus: ${ctx.theme.warn(found.status)}: ${how ?? ''}`;
    },
  };
}
