// The store interface: everything above it (commands, import, prompts, HTTP)
// talks to a state only through this, so none of it assumes files. The JSON
// snapshot + journal (file-store.ts) is the first implementation.

import type { Command } from '../core/commands.js';
import type { LockHolder } from '../core/errors.js';
import type { Ledger, OperationRecord, Outcome } from '../core/ledger.js';
import type { Convention } from '../core/types.js';

export interface StoreOptions {
  /** How long a writer waits for the lock (ms); 10 s by default. */
  lockTimeoutMs?: number;
  /** What this process is doing, recorded in the lock for waiters to see. */
  command?: string;
  /** Milliseconds since the epoch; Date.now by default. */
  clock?: () => number;
  /** Where notices go (created a state, discarded a torn tail, ...). */
  notice?: (message: string) => void;
  /** Aborts waiting for the lock and a running batch. */
  signal?: AbortSignal;
  /** Called once if the lock is busy and the writer starts to wait. */
  onLockWait?: (holder: LockHolder) => void;
  /**
   * When a write folds the journal into a new snapshot: once the journal past
   * the snapshot exceeds both `minBytes` and `snapshotRatio` × the snapshot's
   * size (defaults 64 KiB and 0.5). A long-running server can checkpoint less
   * often, trading a longer replay for whoever opens the state next.
   */
  checkpoint?: { minBytes: number; snapshotRatio: number };
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
}

/** A write in progress: runs commands against the caught-up state. */
export interface Transaction {
  readonly ledger: Ledger;
  /**
   * Runs one command. Throws OmsError if it is rejected (nothing changed).
   * The operation is committed when the write that runs it returns.
   */
  execute(command: Command, opId?: string): Outcome;
}

export interface HistoryQuery {
  /** Keep only records this accepts. */
  filter?: (record: OperationRecord) => boolean;
  limit?: number;
}

export interface StateStatus {
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
  /** Bytes of each part of the state. */
  sizes: Record<string, number>;
  /** Journal bytes not yet folded into the snapshot. */
  pendingJournalBytes: number;
  lock: LockHolder | null;
}

export interface InitResult {
  created: boolean;
  convention: Convention;
}

/** Counters since the store was opened (for `oms serve`'s /metrics). */
export interface StoreStats {
  /** Writes that committed at least one operation. */
  commits: number;
  /** Operations committed. */
  operations: number;
  /** fsync calls on the journal. */
  fsyncs: number;
  checkpoints: number;
}

export interface StateStore {
  /** Where the state lives, for messages. */
  readonly location: string;
  readonly stats: StoreStats;
  /** The latest committed state, without taking the writer lock. */
  read(): Promise<Ledger>;
  /** Takes the writer lock, catches up, runs `work`, commits, releases. */
  write<T>(work: (tx: Transaction) => T | Promise<T>, options?: WriteOptions): Promise<T>;
  init(convention: Convention): Promise<InitResult>;
  /** Committed operations, newest first. */
  history(query?: HistoryQuery): AsyncIterable<OperationRecord>;
  status(): Promise<StateStatus>;
  close(): void;
}
