// Text for the domain's shapes (orders, fills, quotes, trades, books), shared
// by the command line and prompt mode so an order reads the same wherever it
// is shown.

import { walkedSide, walksUp } from '../core/convention.js';
import { formatScaled, parsePrice } from '../core/decimal.js';
import type { QuoteView, TradeView } from '../core/ledger.js';
import { averagePrice } from '../app/average.js';
import type { BookView, Execution, Fill, Order, PriceLevelView } from '../core/types.js';
import { lines, type Lines } from './print.js';
import type { TextStyle } from './style.js';
import { renderTable, tableLines, type Column } from './table.js';
import { displayWidth } from './width.js';

export function describeOrder(style: TextStyle, order: Order): string {
  const source = order.source === null ? '' : ` from ${JSON.stringify(order.source)}`;
  return `order ${order.orderId}: ${order.symbol} ${style.theme.side(order.side)} ${order.amount} @ ${order.price}${source}`;
}

const ORDER_COLUMNS: Column[] = [
  { title: 'Order', align: 'right' },
  { title: 'Symbol' },
  { title: 'Side' },
  { title: 'Amount', align: 'right' },
  { title: 'Price', align: 'right' },
  { title: 'Source' },
  { title: 'Accepted' },
];

export function orderRow(style: TextStyle, order: Order): string[] {
  return [String(order.orderId), order.symbol, style.theme.side(order.side), String(order.amount), order.price, order.source ?? '', order.acceptedAt];
}

function* orderRows(style: TextStyle, orders: Iterable<Order>): Generator<string[]> {
  for (const order of orders) yield orderRow(style, order);
}

/** The widest id, symbol, amount, price and source of the whole list: one cheap pass, no rendering. */
function orderColumns(orders: Order[]): Column[] {
  const widest = [0, 0, 0, 0, 0, 0, 0];
  for (const order of orders) {
    widest[0] = Math.max(widest[0] as number, String(order.orderId).length);
    widest[1] = Math.max(widest[1] as number, order.symbol.length);
    widest[3] = Math.max(widest[3] as number, String(order.amount).length);
    widest[4] = Math.max(widest[4] as number, order.price.length);
    if (order.source !== null) widest[5] = Math.max(widest[5] as number, displayWidth(order.source));
  }
  return ORDER_COLUMNS.map((column, i) => ({ ...column, width: widest[i] as number }));
}

function orderLines(style: TextStyle, orders: Order[]): Generator<string> {
  return tableLines(style, orderColumns(orders), orderRows(style, orders));
}

/** A few orders as one string. */
export function ordersTable(style: TextStyle, orders: Order[]): string {
  return Array.from(orderLines(style, orders)).join('\n');
}

/** Any number of orders (100k and more), rendered as they are printed. */
export function ordersLines(style: TextStyle, orders: Order[]): Lines {
  return lines(orderLines(style, orders));
}

/** Fills grouped by price level: what a quote shows. */
export function levelFills(fills: Fill[]): { price: string; amount: bigint; orders: number }[] {
  const levels: { price: string; amount: bigint; orders: number }[] = [];
  for (const fill of fills) {
    const last = levels[levels.length - 1];
    if (last && last.price === fill.price) {
      last.amount += BigInt(fill.amount);
      last.orders++;
    } else {
      levels.push({ price: fill.price, amount: BigInt(fill.amount), orders: 1 });
    }
  }
  return levels;
}

function subtotal(price: string, amount: bigint): string {
  return formatScaled(BigInt(parsePrice(price)) * amount);
}

/** Under the total: the average price (8 decimals, half to even; see app/average.ts), when anything filled. */
function averageLine(execution: { total: string; filled: number }): string[] {
  const average = averagePrice(execution.total, execution.filled);
  return average === null ? [] : [`Average price: ${average}`];
}

/** The columns a row of executions (trades, stored quotes) starts with: its id under `id`, what was asked, what it came to, for whom. */
export function executionColumns(id: string): Column[] {
  return [
    { title: id, align: 'right' },
    { title: 'Symbol' },
    { title: 'Side' },
    { title: 'Requested', align: 'right' },
    { title: 'Filled', align: 'right' },
    { title: 'Total', align: 'right' },
    { title: 'Client' },
  ];
}

/** The cells under `executionColumns`. */
export function executionCells(
  style: TextStyle,
  id: number,
  execution: Pick<Execution, 'symbol' | 'side' | 'requested' | 'filled' | 'total'> & { client: string | null },
): string[] {
  return [String(id), execution.symbol, style.theme.side(execution.side), String(execution.requested), String(execution.filled), execution.total, execution.client ?? ''];
}

export async function executionText(style: TextStyle, title: string, execution: Execution): Promise<string> {
  const lines = [title];
  if (execution.fills.length > 0) {
    const rows = levelFills(execution.fills).map((level) => [level.price, level.amount.toString(), String(level.orders), subtotal(level.price, level.amount)]);
    lines.push(
      await renderTable(
        style,
        [
          { title: 'Price', align: 'right' },
          { title: 'Amount', align: 'right' },
          { title: 'Orders', align: 'right' },
          { title: 'Subtotal', align: 'right' },
        ],
        rows,
      ),
    );
  }
  const short = execution.partial ? style.theme.warn(` (partial: ${execution.filled} of ${execution.requested})`) : '';
  lines.push(`Total: ${style.theme.heading(execution.total)} for ${execution.filled}${short}`, ...averageLine(execution));
  return lines.join('\n');
}

export function quoteText(style: TextStyle, quote: QuoteView): Promise<string> {
  const client = quote.client === null ? '' : ` for ${JSON.stringify(quote.client)}`;
  return executionText(style, `Quote ${quote.quoteId}${client}: ${quote.symbol} ${style.theme.side(quote.side)} ${quote.requested}`, quote).then(
    (text) => `${text}\nExpires at ${quote.expiresAt}. To trade it: oms trade --quote ${quote.quoteId}`,
  );
}

export async function tradeText(style: TextStyle, trade: TradeView): Promise<string> {
  const client = trade.client === null ? '' : ` for ${JSON.stringify(trade.client)}`;
  const quote = trade.quoteId === null ? '' : ` (quote ${trade.quoteId})`;
  const head = `Trade ${trade.tradeId}${client}${quote}: ${trade.symbol} ${style.theme.side(trade.side)} ${trade.requested}`;
  const fills = trade.fills.length
    ? await renderTable(
        style,
        [
          { title: 'Order', align: 'right' },
          { title: 'Amount', align: 'right' },
          { title: 'Price', align: 'right' },
        ],
        trade.fills.map((fill) => [String(fill.orderId), String(fill.amount), fill.price]),
      )
    : '';
  const short = trade.partial ? style.theme.warn(` (partial: ${trade.filled} of ${trade.requested})`) : '';
  return [head, fills, `Total: ${style.theme.heading(trade.total)} for ${trade.filled}${short}`, ...averageLine(trade)].filter(Boolean).join('\n');
}

function levelRows(levels: PriceLevelView[]): string[][] {
  return levels.map((level) => [level.price, level.amount, String(level.orderCount)]);
}

/** Best bid (highest Buy), best ask (lowest Sell) and the spread, whichever way the convention walks. */
function topOfBook(book: BookView): string {
  const shown = (value: string | null): string => value ?? '-';
  return `Best bid: ${shown(book.bestBid)}  Best ask: ${shown(book.bestAsk)}  Spread: ${shown(book.spread)}`;
}

function* bookLines(style: TextStyle, book: BookView, withOrders: boolean): Generator<string> {
  yield style.theme.heading(`${book.symbol} (${book.convention} convention)`);
  yield topOfBook(book);
  for (const [side, levels] of [['Buy', book.buy], ['Sell', book.sell]] as const) {
    const ascending = walksUp(book.convention, side);
    const walkedBy = walkedSide(book.convention, 'Buy') === side ? 'Buy' : 'Sell';
    yield `${style.theme.side(side, `${side} side`)} ${style.theme.dim(`(${ascending ? 'lowest' : 'highest'} price first; what a ${walkedBy} request walks)`)}`;
    if (levels.length === 0) {
      yield style.theme.dim('  (empty)');
    } else if (withOrders) {
      yield* orderLines(style, levels.flatMap((level) => level.orders ?? []));
    } else {
      yield* tableLines(
        style,
        [
          { title: 'Price', align: 'right' },
          { title: 'Amount', align: 'right' },
          { title: 'Orders', align: 'right' },
        ],
        levelRows(levels),
      );
    }
  }
}

export function bookText(style: TextStyle, book: BookView, withOrders: boolean): Lines {
  return lines(bookLines(style, book, withOrders));
}
