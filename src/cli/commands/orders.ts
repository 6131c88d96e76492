// oms orders: live orders, symbols A-Z, each book in priority order; a page
// of them with --limit/--offset (and then the total); --format for scripts.

import { ordersPageJson } from '../../app/json.js';
import type { OrdersPage } from '../../app/oms.js';
import type { Order } from '../../core/types.js';
import { ordersText } from '../../text/listings.js';
import { lines, type Printable } from '../../text/print.js';
import type { CliContext } from '../context.js';
import { freeText, listOutput, parseListFormat } from '../list-format.js';
import type { CommandOutput } from '../output.js';

export interface OrdersOptions {
  symbol?: string;
  side?: string;
  limit?: string;
  offset?: string;
  format?: string;
}

export const ORDER_LIST_COLUMNS = ['order_id', 'symbol', 'side', 'amount', 'price', 'source', 'accepted_at'];

/** Under a page: which orders these are of how many. */
function pageLine(page: OrdersPage): string {
  const shown = page.orders.length;
  if (shown === 0) return `No orders from offset ${page.offset}; ${page.total} in all`;
  return `Orders ${page.offset + 1}-${page.offset + shown} of ${page.total}`;
}

function withFooter(text: Printable, footer: string): Printable {
  if (typeof text === 'string') return `${text}\n${footer}`;
  return lines(
    (function* () {
      yield* text.lines;
      yield footer;
    })(),
  );
}

export async function runOrders(options: OrdersOptions, ctx: CliContext): Promise<CommandOutput> {
  const format = parseListFormat(options.format);
  const paged = options.limit !== undefined || options.offset !== undefined;
  const page = await (await ctx.app()).ordersPage(options);
  const { orders } = page;
  return listOutput<Order>(
    format,
    paged ? ordersPageJson(page) : { orders },
    () => {
      if (!paged) return ordersText(ctx, orders);
      const footer = ctx.theme.dim(pageLine(page));
      return orders.length === 0 ? footer : withFooter(ordersText(ctx, orders), footer);
    },
    {
      columns: ORDER_LIST_COLUMNS,
      items: orders,
      rows: (order) => [order.orderId, order.symbol, order.side, order.amount, order.price, freeText(order.source), order.acceptedAt],
    },
  );
}
