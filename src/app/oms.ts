// The application layer (SPEC §8): the operations and queries every front
// end (command line, prompt mode, CSV import, HTTP) runs, each taking the
// request as given (strings from argv, a query string, a prompt) and
// returning plain data. Input is checked here with core's field rules, so
// every front end accepts the same requests with the same messages; the
// front ends only parse their own syntax and format what comes back.

import type { Command } from '../core/commands.js';
import { parseConvention, parseCount, parseOrderId, parseSide, parseSymbol, parseText } from '../core/fields.js';
import { OmsError, showValue } from '../core/errors.js';
import { resultOf, type OperationRecord, type OrderStatus, type Outcome, type QuoteView, type Result, type TradeView } from '../core/ledger.js';
import type { BookView, Execution, Order } from '../core/types.js';
import { parseAmount, parseNewAmount } from '../core/fields.js';
import { commitWatchOf } from '../store/commit-watch.js';
import { openStore } from '../store/open.js';
import type { InitResult, StateStatus, StateStore, StateView, StoredQuote, StoreOptions, StoreStats, Transaction, WriteOptions } from '../store/store.js';

/** Price levels per side a book shows unless asked otherwise. */
export const DEFAULT_DEPTH = 10;
/** Trades and operations a listing shows unless asked otherwise. */
export const DEFAULT_LIMIT = 50;

/** Several operations in one write (an import, a group commit): run them with `execute`, see the state with `view`. */
export type Batch = Transaction;
export type BatchOptions = Pick<WriteOptions, 'atomic' | 'batchName' | 'bulk' | 'dryRun' | 'onCommitting'>;

/** One committed operation, as `history` lists it. */
export interface HistoryEntry {
  seq: number;
  opId: string;
  /** ISO-8601 UTC. */
  at: string;
  command: Command;
  result: Result;
}

/** An order that has left the book, and how. */
export type EndedOrder = Exclude<OrderStatus, { status: 'live' }>;

export interface OrdersQuery {
  symbol?: string | undefined;
  side?: string | undefined;
}

export interface OrdersPageQuery extends OrdersQuery {
  /** At most this many (all when absent). */
  limit?: string | undefined;
  /** Skip this many first (0 when absent). */
  offset?: string | undefined;
}

/** A window of the live orders and how many there are in all (with the same filters). */
export interface OrdersPage {
  orders: Order[];
  total: number;
  offset: number;
  limit: number | null;
}

export interface BookQuery {
  symbol: string;
  depth?: string | undefined;
  orders?: boolean | undefined;
}

export interface PriceQuery {
  symbol: string;
  side: string;
  amount: string;
  partial?: boolean | undefined;
}

/** Open: can be traded (if the book still gives the same); expired: too late; used: traded. */
export type QuoteStatus = 'open' | 'expired' | 'used';
const QUOTE_STATUSES: readonly QuoteStatus[] = ['open', 'expired', 'used'];

/** A stored quote, its state now, when it was made, and the trade that used it. */
export interface QuoteEntry {
  quote: QuoteView;
  status: QuoteStatus;
  /** ISO-8601 UTC. */
  quotedAt: string;
  trade: TradeView | null;
}

export interface QuotesQuery {
  status?: string | undefined;
  symbol?: string | undefined;
  client?: string | undefined;
  limit?: string | undefined;
}

export interface TradesQuery {
  symbol?: string | undefined;
  client?: string | undefined;
  limit?: string | undefined;
}

const TRADE_KINDS: ReadonlyArray<Command['type']> = ['trade', 'tradeQuote'];

function parseQuoteStatus(input: string): QuoteStatus {
  const status = input.toLowerCase();
  if ((QUOTE_STATUSES as readonly string[]).includes(status)) return status as QuoteStatus;
  throw new OmsError('INVALID_ARGUMENT', `status: ${showValue(input)} is not one of ${QUOTE_STATUSES.join(', ')}`, { field: 'status', value: input });
}

export class Oms {
  constructor(
    private readonly store: StateStore,
    /** Milliseconds since the epoch: what "expired" is judged against (the store's clock). */
    private readonly clock: () => number = Date.now,
  ) {}

  /** Opens the state at `location` (a path, or a database URL) through the store factory. */
  static async open(location: string, options: StoreOptions = {}): Promise<Oms> {
    return new Oms(await openStore(location, options), options.clock);
  }

  /** Where the state lives, as it may be shown. */
  get location(): string {
    return this.store.location;
  }

  get stats(): StoreStats {
    return this.store.stats;
  }

  // ---- operations ----------------------------------------------------------

  /** One command as one committed operation. */
  execute(command: Command, opId?: string): Promise<Outcome> {
    return this.store.write((batch) => batch.execute(command, opId));
  }

  /** Many commands in one write; with `atomic`, all or none. */
  batch<T>(work: (batch: Batch) => Promise<T>, options: BatchOptions = {}): Promise<T> {
    return this.store.write(work, options);
  }

  async init(convention: string | undefined): Promise<InitResult> {
    return this.store.init(parseConvention(convention ?? 'document'));
  }

  // ---- queries -------------------------------------------------------------

  /** The latest committed state; undefined while none has been created. */
  async view(): Promise<StateView | undefined> {
    const status = await this.store.status();
    return status.exists ? this.store.read() : undefined;
  }

  /**
   * Calls `listener` when another process commits, if the store can tell
   * (store/commit-watch.ts); returns how to stop, or undefined if it cannot.
   */
  watchCommits(listener: () => void): (() => void) | undefined {
    return commitWatchOf(this.store)?.watchCommits(listener);
  }

  /** Reads the state once: whether it can be read at all (a health check). */
  async check(): Promise<void> {
    await this.store.read();
  }

  async liveOrderCount(): Promise<number> {
    return (await this.store.read()).orderCount;
  }

  /** Live orders, symbols A-Z, each book in priority order. */
  async orders(query: OrdersQuery = {}): Promise<Order[]> {
    const symbol = query.symbol === undefined ? undefined : parseSymbol(query.symbol);
    const side = query.side === undefined ? undefined : parseSide(query.side);
    const view = await this.store.read(symbol === undefined ? {} : { symbol });
    return Array.from(view.orders({ ...(symbol !== undefined ? { symbol } : {}), ...(side !== undefined ? { side } : {}) }));
  }

  /** A window of the live orders in the same order as `orders`, with the total that match. */
  async ordersPage(query: OrdersPageQuery = {}): Promise<OrdersPage> {
    const limit = query.limit === undefined ? null : parseCount(query.limit, 'limit');
    const offset = query.offset === undefined ? 0 : parseNewAmount(query.offset, 'offset');
    const symbol = query.symbol === undefined ? undefined : parseSymbol(query.symbol);
    const side = query.side === undefined ? undefined : parseSide(query.side);
    const view = await this.store.read(symbol === undefined ? {} : { symbol });
    const orders: Order[] = [];
    const end = limit === null ? Infinity : offset + limit;
    let total = 0;
    // The total means walking every match (as a full listing does); only the window is kept.
    for (const order of view.orders({ ...(symbol !== undefined ? { symbol } : {}), ...(side !== undefined ? { side } : {}) })) {
      if (total >= offset && total < end) orders.push(order);
      total++;
    }
    return { orders, total, offset, limit };
  }

  /** Every live order, streamed (an export of a big state). */
  async *allOrders(): AsyncGenerator<Order> {
    yield* (await this.store.read()).orders();
  }

  async order(orderId: string | number): Promise<OrderStatus> {
    const id = parseOrderId(orderId);
    return (await this.store.read({ orderId: id })).orderStatus(id);
  }

  /**
   * After an add that was a replay (the order id was added before with the
   * same fields): how the order left the book since, or undefined while it
   * is live. Only a replay pays for the lookup.
   */
  async endedSinceAdded(outcome: Outcome): Promise<EndedOrder | undefined> {
    if (outcome.status !== 'replayed' || outcome.result.type !== 'add') return undefined;
    const now = await (await this.store.read()).orderStatus(outcome.result.order.orderId);
    return now.status === 'live' ? undefined : now;
  }

  async book(query: BookQuery): Promise<BookView> {
    const symbol = parseSymbol(query.symbol);
    const depth = query.depth === undefined ? DEFAULT_DEPTH : parseCount(query.depth, 'depth');
    return (await this.store.read({ symbol })).book(symbol, { depth, orders: query.orders === true });
  }

  async price(query: PriceQuery): Promise<Execution> {
    const symbol = parseSymbol(query.symbol);
    const side = parseSide(query.side);
    const amount = parseAmount(query.amount);
    return (await this.store.read({ symbol })).price(symbol, side, amount, query.partial === true);
  }

  /** Executed trades, newest first. */
  async trades(query: TradesQuery = {}): Promise<TradeView[]> {
    const symbol = query.symbol === undefined ? undefined : parseSymbol(query.symbol);
    const client = query.client === undefined ? undefined : parseText(query.client, 'client');
    const limit = query.limit === undefined ? DEFAULT_LIMIT : parseCount(query.limit, 'limit');
    const trades: TradeView[] = [];
    const filter = (record: OperationRecord): boolean => {
      const trade = record.res as TradeView;
      return (symbol === undefined || trade.symbol === symbol) && (client === undefined || trade.client === client);
    };
    const all = symbol === undefined && client === undefined;
    for await (const record of this.store.history({ limit, kinds: TRADE_KINDS, ...(all ? {} : { filter }) })) trades.push(record.res as TradeView);
    return trades;
  }

  /** Stored quotes, newest first, with their state now; QUOTE_NOT_FOUND for an unknown `quoteId`. */
  async quote(quoteId: string | number): Promise<QuoteEntry> {
    const id = parseCount(quoteId, 'quoteId');
    for await (const stored of this.store.quotes({ quoteId: id })) return this.quoteEntry(stored);
    throw new OmsError('QUOTE_NOT_FOUND', `quote ${id} not found`, { field: 'quoteId', value: String(id) });
  }

  /** Stored quotes, newest first: open, expired or used (then with the trade). */
  async quotes(query: QuotesQuery = {}): Promise<QuoteEntry[]> {
    const status = query.status === undefined ? undefined : parseQuoteStatus(query.status);
    const symbol = query.symbol === undefined ? undefined : parseSymbol(query.symbol);
    const client = query.client === undefined ? undefined : parseText(query.client, 'client');
    const limit = query.limit === undefined ? DEFAULT_LIMIT : parseCount(query.limit, 'limit');
    const now = this.clock();
    const filter = (stored: StoredQuote): boolean => {
      const quote = stored.quote.res as QuoteView;
      return (
        (symbol === undefined || quote.symbol === symbol) &&
        (client === undefined || quote.client === client) &&
        (status === undefined || quoteStatus(stored, now) === status)
      );
    };
    const entries: QuoteEntry[] = [];
    for await (const stored of this.store.quotes({ limit, filter })) entries.push(this.quoteEntry(stored, now));
    return entries;
  }

  private quoteEntry(stored: StoredQuote, now = this.clock()): QuoteEntry {
    return {
      quote: stored.quote.res as QuoteView,
      status: quoteStatus(stored, now),
      quotedAt: new Date(stored.quote.at).toISOString(),
      trade: stored.executed ? (stored.executed.res as TradeView) : null,
    };
  }

  /** Every trade, oldest first (an export). */
  async allTrades(): Promise<TradeView[]> {
    const trades: TradeView[] = [];
    for await (const record of this.store.history({ kinds: TRADE_KINDS })) trades.push(record.res as TradeView);
    return trades.reverse();
  }

  /** Committed operations, newest first. */
  async history(query: { limit?: string | undefined } = {}): Promise<HistoryEntry[]> {
    const limit = query.limit === undefined ? DEFAULT_LIMIT : parseCount(query.limit, 'limit');
    const entries: HistoryEntry[] = [];
    for await (const record of this.store.history({ limit })) {
      entries.push({ seq: record.seq, opId: record.op, at: new Date(record.at).toISOString(), command: record.cmd, result: resultOf(record) });
    }
    return entries;
  }

  status(): Promise<StateStatus> {
    return this.store.status();
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

/** Used once executed; expired from its expiry on (as trading it would say); open before. */
function quoteStatus(stored: StoredQuote, now: number): QuoteStatus {
  if (stored.executed) return 'used';
  return now >= Date.parse((stored.quote.res as QuoteView).expiresAt) ? 'expired' : 'open';
}

/** The result of the kind the command produces (anything else is a bug). */
export function resultOfType<T extends Result['type']>(outcome: Outcome, type: T): Extract<Result, { type: T }> {
  if (outcome.result.type !== type) throw new Error(`expected a ${type} result, got ${outcome.result.type}`);
  return outcome.result as Extract<Result, { type: T }>;
}
