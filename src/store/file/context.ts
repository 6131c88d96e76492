// What the parts of the file store share: the paths, the snapshot file, the
// options, the counters, and the state as loaded (`Loaded`: the ledger, the
// open journal and its lookup structures). Each job (open and catch-up,
// archive lookups, checkpoint, transaction) is its own module working on this.

import { randomBytes } from 'node:crypto';
import type { Ledger } from '../../core/ledger.js';
import type { JournalBlocks, JournalHeader, JournalWriter } from '../journal.js';
import type { FileIndex, MemoryIndex } from '../key-index.js';
import type { StatePaths } from '../paths.js';
import type { DurableSnapshotFile, SnapshotDocument } from '../snapshot.js';
import type { StoreOptions } from '../store.js';
import type { LowSync } from 'lowdb';

export interface Loaded {
  ledger: Ledger;
  header: JournalHeader;
  headerLength: number;
  journalFd: number;
  writable: boolean;
  /** Set once closed: a lookup that was waiting on it starts again on the current one. */
  closed: boolean;
  writer: JournalWriter | undefined;
  index: FileIndex | undefined;
  tail: MemoryIndex;
  /** Journal lines read by lookups (a re-import looks them up in journal order). */
  lines: JournalBlocks;
  /** The tail index holds the keys of every record from this offset on. */
  tailFrom: number;
  /** Offset past the last complete transaction we applied. */
  end: number;
  snapshotOffset: number;
  snapshotSize: number;
  createdAt: string;
}

/** The file store's own counters, besides the neutral commits and operations. */
export interface FileCounters {
  commits: number;
  operations: number;
  fsyncs: number;
  checkpoints: number;
}

export interface FileContext {
  readonly paths: StatePaths;
  readonly options: StoreOptions;
  readonly clock: () => number;
  readonly snapshot: { db: LowSync<SnapshotDocument | null>; adapter: DurableSnapshotFile };
  readonly counters: FileCounters;
  notice(message: string): void;
}

// Generated op ids: a random prefix per process and a counter, so making one
// costs no system call (an import can make a million).
const opIdPrefix = randomBytes(6).toString('hex');
let opIdCounter = 0;

export function newOpId(): string {
  return `op-${Date.now().toString(36)}-${opIdPrefix}${(opIdCounter++).toString(36)}`;
}
