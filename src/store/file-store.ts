// The embedded store: STEM.json (snapshot) + STEM.journal (every operation,
// append-only, never rewritten) + STEM.index (key → journal offset) +
// STEM.lock. Opening loads the snapshot and replays the journal after it; a
// write takes the lock, catches up with what others appended, appends and
// fsyncs its record(s), and now and then folds the journal into a new
// snapshot (a checkpoint) so the cost of opening follows the live state, not
// the length of history. See docs/ARCHITECTURE.md for the on-disk format.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from '../core/commands.js';
import { OmsError } from '../core/errors.js';
import { Ledger, recordKeys, type Archive, type OperationRecord, type Outcome } from '../core/ledger.js';
import type { Convention } from '../core/types.js';
import { fsyncDir, ioError, replaceFile, stateMode } from './durable.js';
import { corrupt, encodeBatchEnd, encodeHeader, encodeRecord, JournalBlocks, JournalWriter, readHeader, scanCommitted, scanJournal, type JournalHeader } from './journal.js';
import { FileIndex, IndexDamage, MemoryIndex } from './key-index.js';
import { WriterLock, readHolder } from './lock.js';
import { statePaths, type StatePaths } from './paths.js';
import { readLinesBackward } from './reverse-lines.js';
import { discardRows, openSnapshot, restoreOrders, snapshotOf, SNAPSHOT_SCHEMA, type SnapshotDocument } from './snapshot.js';
import type { HistoryQuery, InitResult, StateStatus, StateStore, StoreOptions, StoreStats, Transaction, WriteOptions } from './store.js';

/** Journal bytes after the snapshot that trigger a checkpoint (see StoreOptions.checkpoint). */
const CHECKPOINT_DEFAULT = { minBytes: 64 * 1024, snapshotRatio: 0.5 };
const READ_RETRIES = 3;

// Generated op ids: a random prefix per process and a counter, so making one
// costs no system call (an import can make a million).
const opIdPrefix = randomBytes(6).toString('hex');
let opIdCounter = 0;

export function newOpId(): string {
  return `op-${Date.now().toString(36)}-${opIdPrefix}${(opIdCounter++).toString(36)}`;
}

interface Loaded {
  ledger: Ledger;
  header: JournalHeader;
  headerLength: number;
  journalFd: number;
  writable: boolean;
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

export class FileStore implements StateStore, Archive {
  readonly paths: StatePaths;
  readonly stats: StoreStats = { commits: 0, operations: 0, fsyncs: 0, checkpoints: 0 };
  private readonly clock: () => number;
  private loaded: Loaded | undefined;
  /** The in-memory state ran ahead of the journal (an aborted batch): reload. */
  private stale = false;
  private readonly snapshot;

  constructor(
    readonly location: string,
    private readonly options: StoreOptions = {},
  ) {
    this.paths = statePaths(location);
    this.clock = options.clock ?? Date.now;
    this.snapshot = openSnapshot(this.paths.snapshot, () => stateMode(this.paths.snapshot));
  }

  private notice(message: string): void {
    this.options.notice?.(message);
  }

  // ---- opening and catching up -------------------------------------------

  /** A ledger for a state that does not exist yet. */
  private emptyLedger(convention: Convention = 'document'): Ledger {
    return new Ledger(convention, this, newOpId);
  }

  private load(writable: boolean): Loaded | undefined {
    this.close();
    this.stale = false;
    // lowdb keeps its previous data when the file is missing: start from nothing.
    this.snapshot.db.data = null;
    this.snapshot.db.read();
    const snapshot = this.snapshot.db.data;
    if (!snapshot) {
      this.checkOrphanJournal();
      return undefined;
    }
    let fd: number;
    try {
      fd = fs.openSync(this.paths.journal, writable ? 'r+' : 'r');
    } catch (error) {
      discardRows(snapshot);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new OmsError('STATE_CORRUPT', `${this.paths.journal} is missing (the snapshot ${this.paths.snapshot} needs it)`, { file: this.paths.journal });
      }
      throw ioError(error, this.paths.journal, 'open');
    }
    try {
      return this.loadFrom(snapshot, fd, writable);
    } catch (error) {
      discardRows(snapshot);
      fs.closeSync(fd);
      throw error;
    }
  }

  private loadFrom(snapshot: SnapshotDocument, fd: number, writable: boolean): Loaded {
    const file = this.paths.journal;
    const { header, length } = readHeader(fd, file);
    if (header.id !== snapshot.journalId) {
      throw new OmsError('STATE_CORRUPT', `${file} belongs to another state (journal ${header.id}, the snapshot expects ${snapshot.journalId})`, { file });
    }
    const size = fs.fstatSync(fd).size;
    if (snapshot.journalOffset > size || snapshot.journalOffset < length) {
      throw corrupt(file, size, `the snapshot covers the journal up to byte ${snapshot.journalOffset} but the journal ends`);
    }
    const ledger = new Ledger(snapshot.convention, this, newOpId, snapshot.counters);
    restoreOrders(ledger, snapshot, this.paths.snapshot);
    let index = FileIndex.open(this.paths.index, header.id, writable);
    if (index && index.header.coveredOffset > size) {
      index.close();
      index = undefined;
    }
    const loaded: Loaded = {
      ledger,
      header,
      headerLength: length,
      journalFd: fd,
      writable,
      writer: undefined,
      index,
      tail: new MemoryIndex(),
      lines: new JournalBlocks(fd),
      tailFrom: snapshot.journalOffset,
      end: snapshot.journalOffset,
      snapshotOffset: snapshot.journalOffset,
      snapshotSize: this.snapshot.adapter.size,
      createdAt: snapshot.createdAt,
    };
    this.loaded = loaded;
    // Records between the index's coverage and the snapshot only need keys.
    const keysFrom = index ? Math.min(index.header.coveredOffset, snapshot.journalOffset) : length;
    if (keysFrom < snapshot.journalOffset) {
      if (!index) {
        this.notice(
          writable
            ? `${this.paths.index} is missing or unusable; rebuilding it from the journal`
            : `${this.paths.index} is missing or unusable; reading the journal instead (the next write rebuilds it)`,
        );
      }
      const afterSeq = index ? index.header.coveredSeq : header.baseSeq;
      scanCommitted(fd, file, keysFrom, snapshot.journalOffset, afterSeq, (record, offset) => this.addKeys(loaded, record, offset));
      loaded.tailFrom = keysFrom;
    }
    this.catchUp(loaded, size);
    return loaded;
  }

  /**
   * A journal without a snapshot: a creation that never finished (the journal
   * is written whole by rename, so then it is exactly its header line), or
   * damage, which is never overwritten.
   */
  private checkOrphanJournal(): void {
    let fd: number;
    try {
      fd = fs.openSync(this.paths.journal, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw ioError(error, this.paths.journal, 'read');
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size === 0) return;
      const { length } = readHeader(fd, this.paths.journal);
      if (size > length) {
        throw new OmsError('STATE_CORRUPT', `${this.paths.snapshot} is missing but ${this.paths.journal} holds operations`, { file: this.paths.snapshot });
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  private addKeys(loaded: Loaded, record: OperationRecord, offset: number): void {
    for (const key of recordKeys(record)) loaded.tail.add(key, offset);
  }

  /** Applies complete transactions appended after `loaded.end`. */
  private catchUp(loaded: Loaded, size: number): void {
    if (size <= loaded.end) return;
    const file = this.paths.journal;
    const scan = scanJournal(loaded.journalFd, file, loaded.end, size, loaded.ledger.counters.seq, (record, offset) => {
      try {
        loaded.ledger.apply(record);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw corrupt(file, offset, `operation ${record.seq} does not apply to the state before it (${reason})`);
      }
      loaded.ledger.counters.seq = record.seq;
      this.addKeys(loaded, record, offset);
    });
    loaded.end = scan.end;
    if (scan.tornBytes > 0 && loaded.writable) {
      // Only a writer, holding the lock, may cut it: for a reader it may be a write in flight.
      this.notice(`discarded an unfinished write of ${scan.tornBytes} bytes at the end of ${file} (byte ${scan.end})`);
      try {
        fs.ftruncateSync(loaded.journalFd, scan.end);
        fs.fsyncSync(loaded.journalFd);
      } catch (error) {
        throw ioError(error, file, 'truncate');
      }
    }
  }

  /** Loads or catches up; retries a reader whose view raced a writer. */
  private current(writable: boolean): Loaded | undefined {
    for (let attempt = 1; ; attempt++) {
      try {
        return this.refresh(writable);
      } catch (error) {
        this.close();
        const retry = !writable && error instanceof OmsError && error.code === 'STATE_CORRUPT' && attempt < READ_RETRIES;
        if (!retry) throw error;
      }
    }
  }

  private refresh(writable: boolean): Loaded | undefined {
    const loaded = this.loaded;
    if (!loaded || this.stale || (writable && !loaded.writable)) return this.load(writable);
    if (loaded.index?.isReplaced()) {
      loaded.index.close();
      loaded.index = FileIndex.open(this.paths.index, loaded.header.id, loaded.writable);
      if (!loaded.index) return this.load(writable);
    }
    let size: number;
    try {
      if (fs.statSync(this.paths.journal).ino !== fs.fstatSync(loaded.journalFd).ino) return this.load(writable);
      size = fs.fstatSync(loaded.journalFd).size;
    } catch (error) {
      throw ioError(error, this.paths.journal, 'read');
    }
    if (size < loaded.end) return this.load(writable);
    this.catchUp(loaded, size);
    return loaded;
  }

  // ---- the archive: records found by key ---------------------------------

  private find(key: string, matches: (record: OperationRecord) => boolean): OperationRecord | undefined {
    const loaded = this.loaded;
    if (!loaded) return undefined;
    const offsets: number[] = [];
    loaded.tail.candidates(key, offsets);
    const fromTail = offsets.length;
    try {
      loaded.index?.candidates(key, offsets);
    } catch (error) {
      if (!(error instanceof IndexDamage)) throw error;
      this.abandonIndex(loaded, error.message);
      return this.find(key, matches);
    }
    const journalEnd = loaded.writer?.end ?? loaded.end;
    for (let i = 0; i < offsets.length; i++) {
      const offset = offsets[i] as number;
      const indexed = i >= fromTail;
      if (indexed && (!Number.isInteger(offset) || offset < loaded.headerLength || offset >= journalEnd)) {
        this.abandonIndex(loaded, `it points at byte ${offset}, outside the journal`);
        return this.find(key, matches);
      }
      if (loaded.writer && offset >= loaded.writer.flushed) loaded.writer.flush();
      let record: OperationRecord;
      try {
        record = JSON.parse(loaded.lines.at(offset, loaded.end)) as OperationRecord;
      } catch {
        if (indexed) {
          this.abandonIndex(loaded, `it points at byte ${offset}, which is not the start of an operation`);
          return this.find(key, matches);
        }
        throw corrupt(this.paths.journal, offset, 'a journal line is not valid JSON');
      }
      if (matches(record)) return record;
    }
    return undefined;
  }

  /**
   * Stops trusting a damaged index: its keys are read from the journal into
   * memory instead, and the write in progress (if any) writes a new index.
   */
  private abandonIndex(loaded: Loaded, why: string): void {
    this.notice(`${this.paths.index} is damaged (${why}); reading the journal instead${loaded.writable ? ' and rebuilding it' : ''}`);
    loaded.index?.close();
    loaded.index = undefined;
    if (loaded.tailFrom > loaded.headerLength) {
      scanCommitted(loaded.journalFd, this.paths.journal, loaded.headerLength, loaded.tailFrom, loaded.header.baseSeq, (record, offset) =>
        this.addKeys(loaded, record, offset),
      );
      loaded.tailFrom = loaded.headerLength;
    }
  }

  operation(opId: string): OperationRecord | undefined {
    return this.find(`o:${opId}`, (record) => record.op === opId);
  }

  orderAdded(orderId: number): OperationRecord | undefined {
    return this.find(`i:${orderId}`, (record) => record.cmd.type === 'add' && record.cmd.orderId === orderId);
  }

  orderEnded(orderId: number): OperationRecord | undefined {
    return this.find(`e:${orderId}`, (record) => recordKeys(record).includes(`e:${orderId}`));
  }

  quote(quoteId: number): OperationRecord | undefined {
    return this.find(`q:${quoteId}`, (record) => record.cmd.type === 'quote' && (record.res as { quoteId?: number } | undefined)?.quoteId === quoteId);
  }

  quoteExecution(quoteId: number): OperationRecord | undefined {
    return this.find(`x:${quoteId}`, (record) => record.cmd.type === 'tradeQuote' && record.cmd.quoteId === quoteId);
  }

  // ---- reading -------------------------------------------------------------

  async read(): Promise<Ledger> {
    const loaded = this.current(false);
    if (loaded) return loaded.ledger;
    this.notice(`no state at ${this.paths.snapshot} yet; showing an empty one`);
    return this.emptyLedger();
  }

  async *history(query: HistoryQuery = {}): AsyncGenerator<OperationRecord> {
    const loaded = this.current(false);
    if (!loaded) return;
    let left = query.limit ?? Infinity;
    if (left <= 0) return;
    for (const line of readLinesBackward(loaded.journalFd, loaded.headerLength, loaded.end)) {
      let record: OperationRecord & { end?: number };
      try {
        record = JSON.parse(line.text) as OperationRecord & { end?: number };
      } catch {
        throw corrupt(this.paths.journal, line.offset, 'a journal line is not valid JSON');
      }
      if (record.end !== undefined) continue;
      if (query.filter && !query.filter(record)) continue;
      yield record;
      if (--left <= 0) return;
    }
  }

  async status(): Promise<StateStatus> {
    const loaded = this.current(false);
    const ledger = loaded?.ledger ?? this.emptyLedger();
    const size = (file: string): number => {
      try {
        return fs.statSync(file).size;
      } catch {
        return 0;
      }
    };
    return {
      location: this.paths.snapshot,
      exists: loaded !== undefined,
      schema: loaded ? SNAPSHOT_SCHEMA : null,
      convention: ledger.convention,
      createdAt: loaded?.createdAt ?? null,
      seq: ledger.counters.seq,
      operations: ledger.counters.operations,
      liveOrders: ledger.engine.orderCount,
      symbols: ledger.engine.symbols(),
      trades: ledger.counters.trades,
      quotes: ledger.counters.quotes,
      sizes: { snapshot: size(this.paths.snapshot), journal: size(this.paths.journal), index: size(this.paths.index) },
      pendingJournalBytes: loaded ? loaded.end - loaded.snapshotOffset : 0,
      lock: readHolder(this.paths.lock) ?? null,
    };
  }

  // ---- writing -------------------------------------------------------------

  async write<T>(work: (tx: Transaction) => T | Promise<T>, options: WriteOptions = {}): Promise<T> {
    const lock = await this.lock();
    try {
      let loaded = this.current(true);
      const convention = options.convention ?? 'document';
      const created = !loaded;
      if (!loaded) {
        this.create(convention);
        loaded = this.current(true) as Loaded;
      }
      if (options.bulk) loaded.index?.loadFully();
      const atomic = options.atomic === true || options.dryRun === true;
      const tx = new FileTransaction(this, loaded, this.clock, { ...options, atomic });
      try {
        let result: T;
        try {
          result = await work(tx);
        } catch (error) {
          tx.close(!atomic);
          throw error;
        }
        tx.close(options.dryRun !== true);
        // After a rollback the memory state is ahead of the journal: never snapshot it.
        if (!this.stale) this.checkpointQuietly(loaded);
        return result;
      } finally {
        // A state is created by its first committed operation, not by a rejected one.
        if (created && !tx.committed) this.discardCreated();
        else if (created) {
          const other = convention === 'document' ? 'market' : 'document';
          this.notice(
            `created a new state at ${this.paths.snapshot} with the ${convention} convention (a Buy request walks the ${convention === 'document' ? 'Buy' : 'Sell'} side); it never changes for this state: for the ${other} convention, start a new state with oms --state NEW.json init --convention ${other}`,
          );
        }
      }
    } finally {
      lock.release();
    }
  }

  /** Removes a state this write created but never committed to. */
  private discardCreated(): void {
    this.close();
    this.stale = true;
    for (const file of [this.paths.snapshot, this.paths.journal, this.paths.index]) {
      try {
        fs.unlinkSync(file);
      } catch {
        // Not created yet.
      }
    }
    try {
      fsyncDir(this.paths.dir);
    } catch {
      // Nothing was committed there; durability of the removal does not matter.
    }
  }

  async init(convention: Convention): Promise<InitResult> {
    const lock = await this.lock();
    try {
      const loaded = this.current(true);
      if (loaded) {
        if (loaded.ledger.convention !== convention) {
          throw new OmsError(
            'INVALID_ARGUMENT',
            `convention: ${JSON.stringify(convention)} differs from this state's ${loaded.ledger.convention}; the convention of a state never changes`,
            { field: 'convention', value: convention },
          );
        }
        this.notice(`${this.paths.snapshot} already exists with convention ${convention}; nothing changed`);
        return { created: false, convention };
      }
      this.create(convention);
      return { created: true, convention };
    } finally {
      lock.release();
    }
  }

  private async lock(): Promise<WriterLock> {
    const lock = await WriterLock.acquire(this.paths.lock, {
      timeoutMs: this.options.lockTimeoutMs ?? 10_000,
      command: this.options.command ?? 'oms',
      mode: stateMode(this.paths.snapshot),
      ...(this.options.onLockWait ? { onWait: this.options.onLockWait } : {}),
      ...(this.options.signal ? { signal: this.options.signal } : {}),
    });
    return lock;
  }

  /** Writes a new empty state: the journal first, so a crash leaves no snapshot without one. */
  private create(convention: Convention): void {
    const id = randomBytes(12).toString('hex');
    const createdAt = new Date(this.clock()).toISOString();
    const header: JournalHeader = { oms: 'journal', schema: 1, id, convention, createdAt, baseSeq: 0 };
    const headerText = encodeHeader(header);
    replaceFile(this.paths.journal, headerText, 0o600);
    const ledger = this.emptyLedger(convention);
    this.snapshot.db.data = snapshotOf(ledger, {
      oms: 'state',
      schema: SNAPSHOT_SCHEMA,
      journalId: id,
      createdAt,
      journalOffset: Buffer.byteLength(headerText),
    });
    this.snapshot.db.write();
  }

  /** A failed checkpoint loses nothing (the journal has it all): say so and go on. */
  private checkpointQuietly(loaded: Loaded): void {
    try {
      this.checkpoint(loaded, false);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.notice(`warning: could not fold the journal into the snapshot (${reason}); nothing is lost, it will be retried`);
    }
  }

  /** Folds the journal into the index and a new snapshot when it has grown enough. */
  private checkpoint(loaded: Loaded, force: boolean): void {
    const pending = loaded.end - loaded.snapshotOffset;
    const policy = this.options.checkpoint ?? CHECKPOINT_DEFAULT;
    const threshold = Math.max(policy.minBytes, loaded.snapshotSize * policy.snapshotRatio);
    if (!force && pending <= threshold && loaded.index) return;
    const mode = stateMode(this.paths.snapshot);
    const covered = { offset: loaded.end, seq: loaded.ledger.counters.seq };
    if (loaded.index) {
      try {
        loaded.index = loaded.index.insertAll(loaded.tail, covered, mode);
      } catch (error) {
        if (!(error instanceof IndexDamage)) throw error;
        this.abandonIndex(loaded, error.message);
      }
    }
    loaded.index ??= FileIndex.create(this.paths.index, loaded.header.id, loaded.tail.entries(), loaded.tail.size, covered, mode);
    this.snapshot.db.data = snapshotOf(loaded.ledger, {
      oms: 'state',
      schema: SNAPSHOT_SCHEMA,
      journalId: loaded.header.id,
      createdAt: loaded.createdAt,
      journalOffset: loaded.end,
    });
    this.snapshot.db.write();
    loaded.snapshotOffset = loaded.end;
    loaded.snapshotSize = this.snapshot.adapter.size;
    loaded.tail = new MemoryIndex();
    loaded.tailFrom = loaded.end;
    this.stats.checkpoints++;
    removeAbandonedTemps(this.paths);
  }

  /** Called by a transaction that could not finish: the memory state is ahead of the file. */
  markStale(): void {
    this.stale = true;
  }

  close(): void {
    const loaded = this.loaded;
    this.loaded = undefined;
    if (!loaded) return;
    loaded.index?.close();
    try {
      fs.closeSync(loaded.journalFd);
    } catch {
      // Already closed.
    }
  }
}

/**
 * Temp files (`STEM.*.tmp-PID-...`) left by a writer killed in the middle of
 * a checkpoint: removed once their process is gone.
 */
function removeAbandonedTemps(paths: StatePaths): void {
  const base = path.basename(paths.stem);
  let names: string[];
  try {
    names = fs.readdirSync(paths.dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(base)) continue;
    const match = /\.tmp-(\d+)-[a-z0-9]+$/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    let alive = pid === process.pid;
    if (!alive) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (error) {
        alive = (error as NodeJS.ErrnoException).code !== 'ESRCH';
      }
    }
    if (!alive) {
      try {
        fs.unlinkSync(path.join(paths.dir, name));
      } catch {
        // Someone else removed it.
      }
    }
  }
}

class FileTransaction implements Transaction {
  readonly ledger: Ledger;
  private readonly writer: JournalWriter;
  private readonly start: number;
  private batchSeq: number | undefined;
  private records = 0;
  private closed = false;
  /** True once at least one operation of this transaction is on disk. */
  committed = false;

  constructor(
    private readonly store: FileStore,
    private readonly loaded: Loaded,
    private readonly clock: () => number,
    private readonly options: WriteOptions,
  ) {
    this.ledger = loaded.ledger;
    this.writer = new JournalWriter(loaded.journalFd, store.paths.journal, loaded.end);
    loaded.writer = this.writer;
    this.start = loaded.end;
  }

  execute(command: Command, opId?: string): Outcome {
    if (this.closed) throw new OmsError('INTERNAL', 'transaction already closed');
    const outcome = this.ledger.execute(command, opId, this.clock());
    const record = outcome.record;
    if (!record) return outcome;
    const counters = this.ledger.counters;
    const seq = this.options.atomic ? (this.batchSeq ??= counters.seq + 1) : counters.seq + 1;
    counters.seq = seq;
    const stored: OperationRecord = { seq, ...record };
    try {
      const offset = this.writer.append(encodeRecord(stored, this.options.atomic === true));
      for (const key of recordKeys(stored)) this.loaded.tail.add(key, offset);
    } catch (error) {
      this.store.markStale();
      throw error;
    }
    this.records++;
    return outcome;
  }

  /**
   * Ends the transaction: commits what it ran (written and fsynced), or, for
   * an abandoned atomic batch, cuts its lines off and forgets its effects.
   */
  close(commit: boolean): void {
    if (this.closed) return;
    this.closed = true;
    this.loaded.writer = undefined;
    if (this.records === 0) return;
    if (!commit) {
      this.rollback();
      return;
    }
    try {
      if (this.options.atomic) {
        const end = { seq: this.batchSeq as number, end: this.records, at: this.clock(), ...(this.options.batchName ? { batch: this.options.batchName } : {}) };
        this.writer.append(encodeBatchEnd(end));
      }
      this.writer.sync();
    } catch (error) {
      this.rollback();
      throw error;
    }
    this.loaded.end = this.writer.end;
    this.committed = true;
    this.store.stats.commits++;
    this.store.stats.fsyncs++;
    this.store.stats.operations += this.records;
  }

  private rollback(): void {
    this.store.markStale();
    try {
      this.writer.truncate(this.start);
    } catch (error) {
      // The unfinished lines stay as a torn tail; the next writer cuts them.
      void error;
    }
  }
}
