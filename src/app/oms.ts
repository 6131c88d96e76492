// The application layer (SPEC §8): the operations and queries every front
// end (command line, prompt mode, CSV import, HTTP) runs, each taking the
// request as given (strings from argv, a query string, a prompt) and
// returning plain data. Input is checked here with core's field rules, so
// every front end accepts the same requests with the same messages; the
// front ends only parse their own syntax and format what comes back.

import type { Command } from '../core/commands.js';
import { parseConvention, parseCount, parseOrderId, parseSide, parseSymbol, parseText } from '../core/fields.js';
import { resultOf, type OperationRecord, type OrderStatus, type Outcome, type Result, type TradeView } from '../core/ledger.js';
import type { BookView, Execution, Order } from '../core/types.js';
import { parseAmount } from '../core/fields.js';
import { commitWatchOf } from '../store/commit-watch.js';
import { openStore } from '../store/open.js';
import type { InitResult, StateStatus, StateStore, StateView, StoreOptions, StoreStats, Transaction, WriteOptions } from '../store/store.js';

/** Price levels per side a book shows unless asked otherwise. */
export const DEFAULT_DEPTH = 10;
/** Trades and operations a listing shows unless asked otherwise. */
export const DEFAULT_LIMIT = 50;

/** Several operations in one write (an import, a group commit): run them with `execute`, see the state with `view`. */
export type Batch = Transaction;
export type BatchOptions = Pick<WriteOptions, 'atomic' | 'batchName' | 'bulk' | 'dryRun'>;

/** One committed operation, as `history` lists it. */
export interface HistoryEntry {
  seq: number;
  opId: string;
  /** ISO-8601 UTC. */
  at: string;
  command: Command;
  result: Result;
}

export interface OrdersQuery {
  symbol?: string | undefined;
  side?: string | undefined;
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

export interface TradesQuery {
  symbol?: string | undefined;
  client?: string | undefined;
  limit?: string | undefined;
}

const isTrade = (record: OperationRecord): boolean => record.cmd.type === 'trade' || record.cmd.type === 'tradeQuote';

export class Oms {
  constructor(private readonly store: StateStore) {}

  /** Opens the state at `location` (a path, or a database URL) through the store factory. */
  static async open(location: string, options: StoreOptions = {}): Promise<Oms> {
    return new Oms(await openStore(location, options));
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

  /** Every live order, streamed (an export of a big state). */
  async *allOrders(): AsyncGenerator<Order> {
    yield* (await this.store.read()).orders();
  }

  async order(orderId: string | number): Promise<OrderStatus> {
    const id = parseOrderId(orderId);
    return (await this.store.read()).orderStatus(id);
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
      if (!isTrade(record)) return false;
      const trade = record.res as TradeView;
      return (symbol === undefined || trade.symbol === symbol) && (client === undefined || trade.client === client);
    };
    for await (const record of this.store.history({ limit, filter })) trades.push(record.res as TradeView);
    return trades;
  }

  /** Every trade, oldest first (an export). */
  async allTrades(): Promise<TradeView[]> {
    const trades: TradeView[] = [];
    for await (const record of this.store.history({ filter: isTrade })) trades.push(record.res as TradeView);
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

/** The result of the kind the command produces (anything else is a bug). */
export function resultOfType<T extends Result['type']>(outcome: Outcome, type: T): Extract<Result, { type: T }> {
  if (outcome.result.type !== type) throw new Error(`expected a ${type} result, got ${outcome.result.type}`);
  return outcome.result as Extract<Result, { type: T }>;
}
