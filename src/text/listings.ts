// Text for what the queries return (orders, one order, trades, history, the
// status): the tables `oms orders|order|trades|history|status` print, which
// prompt mode shows too.

import type { Command } from '../core/commands.js';
import type { OrderStatus, Result, TradeView } from '../core/ledger.js';
import type { Order } from '../core/types.js';
import type { StateStatus } from '../store/store.js';
import type { HistoryEntry } from '../app/oms.js';
import type { TextStyle } from './style.js';
import { conventionRule } from './convention.js';
import type { Printable } from './print.js';
import { renderTable, tableText } from './table.js';
import { executionCells, executionColumns, ordersLines, ordersTable } from './views.js';

export function ordersText(style: TextStyle, orders: Order[]): Printable {
  return orders.length === 0 ? style.theme.dim('no live orders') : ordersLines(style, orders);
}

export function orderStatusText(style: TextStyle, found: OrderStatus): string {
  const table = ordersTable(style, [found.order]);
  if (found.status === 'live') return `${table}\nStatus: ${style.theme.good('live')}`;
  return `${table}\nStatus: ${style.theme.warn(found.status)}: ${found.how}`;
}

export function tradesText(style: TextStyle, trades: TradeView[]): Printable {
  if (trades.length === 0) return style.theme.dim('no trades');
  return tableText(
    style,
    [...executionColumns('Trade'), { title: 'Quote', align: 'right' }, { title: 'Executed' }],
    trades.map((trade) => [...executionCells(style, trade.tradeId, trade), trade.quoteId === null ? '' : String(trade.quoteId), trade.executedAt]),
  );
}

export function summarizeCommand(cmd: Command): string {
  switch (cmd.type) {
    case 'add':
      return `add ${cmd.orderId} ${cmd.symbol} ${cmd.side} ${cmd.amount} @ ${cmd.price}${cmd.source === null ? '' : ` source ${JSON.stringify(cmd.source)}`}`;
    case 'modify':
      return `modify ${cmd.orderId}${cmd.amount === undefined ? '' : ` amount ${cmd.amount}`}${cmd.price === undefined ? '' : ` price ${cmd.price}`}`;
    case 'remove':
      return `remove ${cmd.orderId}`;
    case 'quote':
      return `quote ${cmd.symbol} ${cmd.side} ${cmd.amount}${cmd.partial ? ' partial' : ''}`;
    case 'trade':
      return `trade ${cmd.symbol} ${cmd.side} ${cmd.amount}${cmd.partial ? ' partial' : ''}`;
    case 'tradeQuote':
      return `trade quote ${cmd.quoteId}`;
  }
}

export function summarizeResult(result: Result): string {
  switch (result.type) {
    case 'add':
      return 'added';
    case 'modify':
      return result.removed ? 'removed (amount 0)' : `now ${result.order?.amount} @ ${result.order?.price}`;
    case 'remove':
      return 'removed';
    case 'quote':
      return `quote ${result.quote.quoteId}: ${result.quote.filled} for ${result.quote.total}`;
    case 'trade':
      return `trade ${result.trade.tradeId}: ${result.trade.filled} for ${result.trade.total}`;
  }
}

export function historyText(style: TextStyle, entries: HistoryEntry[]): Printable {
  if (entries.length === 0) return style.theme.dim('no operations yet');
  return tableText(
    style,
    [{ title: 'Seq', align: 'right' }, { title: 'Time' }, { title: 'Op id' }, { title: 'Command' }, { title: 'Result' }],
    entries.map((entry) => [String(entry.seq), entry.at, entry.opId, summarizeCommand(entry.command), summarizeResult(entry.result)]),
  );
}

export function statusText(style: TextStyle, status: StateStatus): string {
  const rows = [
    ['State', status.location],
    ['Exists', status.exists ? 'yes' : 'no (an empty state is shown)'],
    ['Schema', status.schema === null ? '-' : String(status.schema)],
    ['Convention', `${status.convention} (${conventionRule(status.convention).replace(/^\w+ convention: /, '')})`],
    ['Created', status.createdAt ?? '-'],
    ['Last operation', String(status.seq)],
    ['Operations', String(status.operations)],
    ['Live orders', String(status.liveOrders)],
    ['Symbols', status.symbols.length ? `${status.symbols.length} (${status.symbols.slice(0, 10).join(', ')}${status.symbols.length > 10 ? ', ...' : ''})` : '0'],
    ['Trades', String(status.trades)],
    ['Quotes', String(status.quotes)],
    ...(status.details?.lines ?? []),
  ];
  return renderTable(style, [{ title: 'Field' }, { title: 'Value' }], rows);
}
