// The store interface: everything above it (the application layer and through
// it every front end) talks to a state only through this, so none of it
// assumes files. A store is opened by location (open.ts); the JSON snapshot +
// journal (file/) is the first implementation, a PostgreSQL one follows.
//
// The boundary is asynchronous: a write fetches the past facts each command
// needs (Ledger.needs) before the ledger decides it, so a store whose history
// is a database query fits without changing the core.

import type { Command } from '../core/commands.js';
import type { OperationRecord, OrderStatus, Outcome } from '../core/ledger.js';
import type { BookView, Convention, Execution, Order, Side } from '../core/types.js';
import type { BookViewOptions } from '../core/views.js';

/** Who is writing to a state while another writer waits (for messages and STATE_LOCKED). */
export interface Holder {
  pid: number;
  host: string;
  command: string;
  since: string;
}

export interface StoreOptions {
  /** How long a writer waits for another writer to finish (ms); 10 s by default. */
  waitTimeoutMs?: number;
  /** What this process is doing, shown to writers that wait for it. */
  command?: string;
  /** Milliseconds since the epoch; Date.now by default. */
  clock?: () => number;
  /** Where notices go (created a state, discarded an unfinished write, ...). */
  notice?: (message: string) => void;
  /** Aborts a wait for another writer and a running batch. */
  signal?: AbortSignal;
  /** Called once if another writer is busy and this one starts to wait. */
  onWait?: (holder: Holder) => void;
  /**
   * The store stays open across many requests (`oms serve`): it must never
   * block the event loop on a lookup, and it may make maintenance rarer,
   * trading a slower open for whoever comes next (the file store folds its
   * journal into the snapshot less often).
   */
  longLived?: boolean;
}

export interface WriteOptions {
  /** All operations of this write become one transaction: all or none. */
  atomic?: boolean;
  /** Recorded on an atomic batch (an import's batch name). */
  batchName?: string;
  /** Many operations follow: load lookup structures whole first. */
  bulk?: boolean;
  /** Run everything as an atomic batch, then roll it back: nothing is committed. */
  dryRun?: boolean;
  /** Convention for a state this write creates; the default is document. */
  convention?: Convention;
  /**
   * Called once this write's commit is on its way, if the store lets the
   * next write start then (PostgreSQL, for a server's writes: the next one's
   * opening follows this commit on the same connection).
   * A store that writes one at a time never calls it: the write resolving
   * is the signal.
   */
  onCommitting?: () => void;
}

/**
 * The committed state as a read-only view. Nothing reachable from it can
 * change the state a later write builds on: every order, book and execution
 * it returns is a fresh copy. It shows the state as of the latest read or
 * write of the store that gave it.
 */
export interface StateView {
  readonly convention: Convention;
  /** Live orders. */
  readonly orderCount: number;
  /** Symbols that have had an order, A-Z. */
  symbols(): string[];
  /** A live order, or undefined. */
  order(orderId: number): Order | undefined;
  /** Live orders, symbols A-Z, each book side in priority order. */
  orders(filter?: { symbol?: string; side?: Side }): Iterable<Order>;
  book(symbol: string, options?: BookViewOptions): BookView;
  /** What a request would fill now, with its fills (read-only calculatePrice). */
  price(symbol: string, side: Side, amount: number, partial: boolean): Execution;
  /** An order, live or how it left the book; ORDER_NOT_FOUND if it never existed. */
  orderStatus(orderId: number): Promise<OrderStatus>;
}

/** A write in progress: runs commands against the caught-up state. */
export interface Transaction {
  /** The state as this transaction has left it so far (its own operations included). */
  readonly view: StateView;
  /**
   * Runs one command: fetches the facts it needs, then decides it. Rejects
   * with OmsError if it is refused (nothing changed). The operation is
   * committed when the write that runs it returns.
   */
  execute(command: Command, opId?: string): Promise<Outcome>;
  /**
   * Runs several commands as `execute` would one after another, in order,
   * each seeing the ones before it; a store that looks facts up remotely
   * fetches theirs together. A rejection (isRejection) is that command's
   * answer and the others go on; any other failure is the answer of that
   * command and of every one after it, which do not run.
   */
  executeAll(commands: ReadonlyArray<Given>): Promise<Executed[]>;
}

/** A command for executeAll. */
export interface Given {
  command: Command;
  opId?: string | undefined;
}

/** What became of one command of executeAll. */
export type Executed = { outcome: Outcome } | { error: unknown };

/** What a read will look at; nothing named: everything. */
export interface ReadScope {
  symbol?: string;
  orderId?: number;
}

export interface HistoryQuery {
  /** Keep only records of these commands (a store may find them without reading the others). */
  kinds?: ReadonlyArray<Command['type']>;
  /** Keep only records this accepts. */
  filter?: (record: OperationRecord) => boolean;
  limit?: number;
}

export interface QuotesQuery {
  /** Only this quote (none when it does not exist). */
  quoteId?: number;
  /** Keep only quotes this accepts (applied before `limit`). */
  filter?: (quote: StoredQuote) => boolean;
  limit?: number;
}

/**
 * A stored quote as the history has it: the operation that stored it and the
 * one that executed it. Whether it is open or expired is not stored: it
 * depends on when one asks (the application decides, with its clock).
 */
export interface StoredQuote {
  /** The `quote` operation; its `res` is the QuoteView. */
  quote: OperationRecord;
  /** The `tradeQuote` operation that used it (its `res` is the TradeView), or null while unused. */
  executed: OperationRecord | null;
}

/** What one backend adds to the status: shown after the common fields, only when present. */
export interface StatusDetails {
  /** Extra fields of the --json status, in order. */
  json: Record<string, unknown>;
  /** The same for people: label and value. */
  lines: Array<[label: string, value: string]>;
}

export interface StateStatus {
  /** Where the state lives, as shown to people (never with a password). */
  location: string;
  exists: boolean;
  schema: number | null;
  convention: Convention;
  createdAt: string | null;
  seq: number;
  operations: number;
  liveOrders: number;
  symbols: string[];
  trades: number;
  quotes: number;
  details?: StatusDetails;
}

export interface InitResult {
  created: boolean;
  convention: Convention;
}

/** Counters since the store was opened (for `oms serve`'s /metrics and summary). */
export interface StoreStats {
  /** Writes that committed at least one operation (each one durable flush). */
  commits: number;
  /** Operations committed. */
  operations: number;
  /** Backend-specific counters (the file store: fsyncs, checkpoints), each a metric of its own. */
  details?: Record<string, number>;
}

export interface StateStore {
  /** Where the state lives, for messages (never with a password). */
  readonly location: string;
  readonly stats: StoreStats;
  /**
   * The latest committed state, without blocking writers of other processes.
   * `scope` says what the caller will look at (one symbol's book, or one
   * order: its book if it is live), so a store that loads books on demand
   * may load only that; a store may ignore it.
   */
  read(scope?: ReadScope): Promise<StateView>;
  /**
   * Runs `work` as one write: waits for other writers, catches up, runs the
   * commands, commits, and only then resolves. `work` must not call read()
   * on the same store (it would wait for itself): it has `tx.view`.
   */
  write<T>(work: (tx: Transaction) => Promise<T>, options?: WriteOptions): Promise<T>;
  init(convention: Convention): Promise<InitResult>;
  /** Committed operations, newest first. */
  history(query?: HistoryQuery): AsyncIterable<OperationRecord>;
  /**
   * Stored quotes, newest first (descending quote id), each with the
   * operation that executed it. The keys are those of the archive (`q:<id>`,
   * `x:<id>`); a database answers with one query over its quotes (PostgreSQL:
   * quotes joined to operations on seq and executed_seq, ordered by quote_id
   * desc); `quotesFromHistory` (quotes.ts) builds it from `history` and an
   * Archive for a store without such a table.
   */
  quotes(query?: QuotesQuery): AsyncIterable<StoredQuote>;
  status(): Promise<StateStatus>;
  close(): Promise<void>;
}
