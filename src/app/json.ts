// The JSON documents of SPEC §3, built in one place for every front end: the
// CLI's --json output and the HTTP API's bodies are the same shapes because
// they come from here. Field names are stable; order follows the spec.

import type { OmsError } from '../core/errors.js';
import type { OrderStatus, Outcome, Result, TradeView } from '../core/ledger.js';
import type { Execution, Order } from '../core/types.js';
import type { StateStatus } from '../store/store.js';
import { withAverage } from './average.js';
import type { HistoryEntry, OrdersPage, QuoteEntry } from './oms.js';

/** Error fields in the order they are printed; any other fact a store added follows. */
const ERROR_FIELDS = ['field', 'value', 'available', 'holder', 'problems', 'moreProblems', 'file', 'line', 'byte'];

export function errorJson(error: OmsError): { error: Record<string, unknown> } {
  const body: Record<string, unknown> = { code: error.code, message: error.message };
  const details = error.details as Record<string, unknown>;
  for (const field of ERROR_FIELDS) if (details[field] !== undefined) body[field] = details[field];
  for (const [field, value] of Object.entries(details)) if (value !== undefined && !(field in body)) body[field] = value;
  return { error: body };
}

/** What an operation made, without its op id (a history entry's `result`). */
export function resultJson(result: Result): Record<string, unknown> {
  switch (result.type) {
    case 'add':
      return { order: result.order };
    case 'modify':
      return { order: result.order, removed: result.removed };
    case 'remove':
      return { removed: result.removed };
    case 'quote':
      return { ...withAverage(result.quote) } as Record<string, unknown>;
    case 'trade':
      return { trade: withAverage(result.trade) };
  }
}

/** A mutation: {"opId","replayed", ...} plus what it made (a quote lists its own fields first). */
export function mutationJson(outcome: Outcome): Record<string, unknown> {
  const body = resultJson(outcome.result);
  const replayed = outcome.status === 'replayed';
  if (outcome.result.type === 'quote') return { ...body, opId: outcome.opId, replayed };
  return { opId: outcome.opId, replayed, ...body };
}

/** One order, live or how it went; the prose `how` is for people only. */
export function orderStatusJson(found: OrderStatus): Record<string, unknown> {
  const { how, ...json } = found as OrderStatus & { how?: string };
  void how;
  return json;
}

export function historyJson(entries: HistoryEntry[]): { operations: Record<string, unknown>[] } {
  return {
    operations: entries.map((entry) => ({ seq: entry.seq, opId: entry.opId, at: entry.at, command: entry.command, result: resultJson(entry.result) })),
  };
}

/** `oms price` and GET /price: the execution with its average price. */
export function priceJson(execution: Execution): Execution & { averagePrice: string | null } {
  return withAverage(execution);
}

/** `oms trades` and GET /trades: each trade with its average price. */
export function tradesJson(trades: TradeView[]): { trades: Array<TradeView & { averagePrice: string | null }> } {
  return { trades: trades.map((trade) => withAverage(trade)) };
}

/**
 * A stored quote: its own fields (as `oms quote` printed them, averagePrice
 * included), then `quotedAt`, `status` (open | expired | used) and `trade`
 * (the trade that used it, or null).
 */
export function quoteEntryJson(entry: QuoteEntry): Record<string, unknown> {
  return {
    ...withAverage(entry.quote),
    quotedAt: entry.quotedAt,
    status: entry.status,
    trade: entry.trade === null ? null : withAverage(entry.trade),
  };
}

export function quotesJson(entries: QuoteEntry[]): { quotes: Record<string, unknown>[] } {
  return { quotes: entries.map(quoteEntryJson) };
}

/** A page of orders: the list, then `total` (matching orders in all), `offset` and `limit` (null: no limit). */
export function ordersPageJson(page: OrdersPage): { orders: Order[]; total: number; offset: number; limit: number | null } {
  return { orders: page.orders, total: page.total, offset: page.offset, limit: page.limit };
}

/** The status with what the backend adds after the common fields. */
export function statusJson(status: StateStatus): Record<string, unknown> {
  const { details, ...common } = status;
  return { ...common, ...details?.json };
}
