// Opening a file state and keeping it current: read the snapshot, replay the
// journal after it, and on each later read or write apply what other
// processes appended since (catch-up). A reader that races a checkpoint sees
// damage that is not there, so it rereads before reporting it. Also creating
// a state (journal first) and removing one that never got a commit.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { OmsError } from '../../core/errors.js';
import { Ledger, recordKeys, type OperationRecord } from '../../core/ledger.js';
import type { Convention } from '../../core/types.js';
import { fsyncDir, ioError, replaceFile } from '../durable.js';
import { corrupt, encodeHeader, JournalBlocks, readHeader, readRange, scanCommitted, scanJournal, type JournalHeader } from '../journal.js';
import { FileIndex, MemoryIndex } from '../key-index.js';
import { openStateFile } from '../safe-open.js';
import { checkSnapshot } from '../snapshot-check.js';
import { discardRows, restoreOrders, snapshotOf, SNAPSHOT_SCHEMA, type SnapshotDocument } from '../snapshot.js';
import { newOpId, type FileContext, type Loaded } from './context.js';

const READ_RETRIES = 3;

export function addKeys(loaded: Loaded, record: OperationRecord, offset: number): void {
  for (const key of recordKeys(record)) loaded.tail.add(key, offset);
}

/** A ledger for a state that does not exist yet. */
export function emptyLedger(convention: Convention = 'document'): Ledger {
  return new Ledger(convention, newOpId);
}

/** The state as this process has it: loaded on first use, caught up on each use. */
export class FileState {
  private loaded: Loaded | undefined;
  /** The in-memory state ran ahead of the journal (an aborted batch): reload. */
  private stale = false;

  constructor(private readonly ctx: FileContext) {}

  /** The state loaded now, if any, without touching the files. */
  get current(): Loaded | undefined {
    return this.loaded;
  }

  /**
   * Loads or catches up; retries a reader whose view raced a writer. A
   * long-lived store reads what others appended without blocking (a first
   * load, or a reload after damage or a rollback, still reads synchronously).
   */
  async refresh(writable: boolean): Promise<Loaded | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.refreshOnce(writable);
      } catch (error) {
        this.close();
        const retry = !writable && error instanceof OmsError && error.code === 'STATE_CORRUPT' && attempt < READ_RETRIES;
        if (!retry) throw error;
      }
    }
  }

  /** Called by a write that could not finish: the memory state is ahead of the file. */
  markStale(): void {
    this.stale = true;
  }

  get isStale(): boolean {
    return this.stale;
  }

  close(): void {
    const loaded = this.loaded;
    this.loaded = undefined;
    if (!loaded) return;
    loaded.closed = true;
    loaded.index?.close();
    try {
      fs.closeSync(loaded.journalFd);
    } catch {
      // Already closed.
    }
  }

  /** Writes a new empty state: the journal first, so a crash leaves no snapshot without one. */
  create(convention: Convention): void {
    const { paths, snapshot } = this.ctx;
    const id = randomBytes(12).toString('hex');
    const createdAt = new Date(this.ctx.clock()).toISOString();
    const header: JournalHeader = { oms: 'journal', schema: 1, id, convention, createdAt, baseSeq: 0 };
    const headerText = encodeHeader(header);
    replaceFile(paths.journal, headerText, 0o600);
    snapshot.db.data = snapshotOf(emptyLedger(convention), {
      oms: 'state',
      schema: SNAPSHOT_SCHEMA,
      journalId: id,
      createdAt,
      journalOffset: Buffer.byteLength(headerText),
    });
    snapshot.db.write();
  }

  /** Removes a state a write created but never committed to. */
  discardCreated(): void {
    const { paths } = this.ctx;
    this.close();
    this.stale = true;
    for (const file of [paths.snapshot, paths.journal, paths.index]) {
      try {
        fs.unlinkSync(file);
      } catch {
        // Not created yet.
      }
    }
    try {
      fsyncDir(paths.dir);
    } catch {
      // Nothing was committed there; durability of the removal does not matter.
    }
  }

  private async refreshOnce(writable: boolean): Promise<Loaded | undefined> {
    const { paths } = this.ctx;
    const loaded = this.loaded;
    if (!loaded || this.stale || (writable && !loaded.writable)) return this.load(writable);
    if (loaded.index?.isReplaced()) {
      loaded.index.close();
      loaded.index = FileIndex.open(paths.index, loaded.header.id, loaded.writable);
      if (!loaded.index) return this.load(writable);
    }
    let size: number;
    try {
      if (fs.statSync(paths.journal).ino !== fs.fstatSync(loaded.journalFd).ino) return this.load(writable);
      size = fs.fstatSync(loaded.journalFd).size;
    } catch (error) {
      throw ioError(error, paths.journal, 'read');
    }
    if (size < loaded.end) return this.load(writable);
    if (size > loaded.end && this.ctx.options.longLived) {
      const appended = await readRange(loaded.journalFd, loaded.end, size);
      this.catchUp(loaded, loaded.end + appended.length, writable, appended);
    } else {
      this.catchUp(loaded, size, writable);
    }
    return loaded;
  }

  private load(writable: boolean): Loaded | undefined {
    const { paths, snapshot: file } = this.ctx;
    this.close();
    this.stale = false;
    // lowdb keeps its previous data when the file is missing: start from nothing.
    file.db.data = null;
    file.db.read();
    const snapshot = file.db.data;
    if (!snapshot) {
      this.checkOrphanJournal();
      return undefined;
    }
    let fd: number;
    try {
      fd = openStateFile(paths.journal, writable);
    } catch (error) {
      discardRows(snapshot);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new OmsError('STATE_CORRUPT', `${paths.journal} is missing (the snapshot ${paths.snapshot} needs it)`, { file: paths.journal });
      }
      throw ioError(error, paths.journal, 'open');
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
    const { paths } = this.ctx;
    const file = paths.journal;
    const { header, length } = readHeader(fd, file);
    if (header.id !== snapshot.journalId) {
      throw new OmsError('STATE_CORRUPT', `${file} belongs to another state (journal ${header.id}, the snapshot expects ${snapshot.journalId})`, { file });
    }
    const size = fs.fstatSync(fd).size;
    if (snapshot.journalOffset > size || snapshot.journalOffset < length) {
      throw corrupt(file, size, `the snapshot covers the journal up to byte ${snapshot.journalOffset} but the journal ends`);
    }
    const ledger = new Ledger(snapshot.convention, newOpId, snapshot.counters);
    restoreOrders(ledger, snapshot, paths.snapshot);
    checkSnapshot({ fd, journal: file, header, headerLength: length, file: paths.snapshot, snapshot, ledger });
    let index = FileIndex.open(paths.index, header.id, writable);
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
      closed: false,
      writer: undefined,
      index,
      tail: new MemoryIndex(),
      lines: new JournalBlocks(fd),
      tailFrom: snapshot.journalOffset,
      end: snapshot.journalOffset,
      snapshotOffset: snapshot.journalOffset,
      snapshotSize: this.ctx.snapshot.adapter.size,
      createdAt: snapshot.createdAt,
    };
    this.loaded = loaded;
    // Records between the index's coverage and the snapshot only need keys.
    const keysFrom = index ? Math.min(index.header.coveredOffset, snapshot.journalOffset) : length;
    if (keysFrom < snapshot.journalOffset) {
      if (!index) {
        this.ctx.notice(
          writable
            ? `${paths.index} is missing or unusable; rebuilding it from the journal`
            : `${paths.index} is missing or unusable; reading the journal instead (the next write rebuilds it)`,
        );
      }
      const afterSeq = index ? index.header.coveredSeq : header.baseSeq;
      scanCommitted(fd, file, keysFrom, snapshot.journalOffset, afterSeq, (record, offset) => addKeys(loaded, record, offset));
      loaded.tailFrom = keysFrom;
    }
    this.catchUp(loaded, size, writable);
    return loaded;
  }

  /**
   * A journal without a snapshot: a creation that never finished (the journal
   * is written whole by rename, so then it is exactly its header line), or
   * damage, which is never overwritten.
   */
  private checkOrphanJournal(): void {
    const { paths } = this.ctx;
    let fd: number;
    try {
      fd = openStateFile(paths.journal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw ioError(error, paths.journal, 'read');
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size === 0) return;
      const { length } = readHeader(fd, paths.journal);
      if (size > length) {
        throw new OmsError('STATE_CORRUPT', `${paths.snapshot} is missing but ${paths.journal} holds operations`, { file: paths.snapshot });
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * Applies complete transactions appended after `loaded.end`. `mayCut`: the
   * caller is a writer holding the lock. A state loaded for writing is read
   * between writes too, without the lock, when the tail may be another
   * process's write in flight.
   */
  private catchUp(loaded: Loaded, size: number, mayCut: boolean, preloaded?: Buffer): void {
    if (size <= loaded.end) return;
    const file = this.ctx.paths.journal;
    const scan = scanJournal(
      loaded.journalFd,
      file,
      loaded.end,
      size,
      loaded.ledger.counters.seq,
      (record, offset) => {
        try {
          loaded.ledger.apply(record);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          const damage = corrupt(file, offset, `operation ${record.seq} does not apply to the state before it (${reason})`);
          throw new OmsError(damage.code, damage.message, damage.details, { cause: error });
        }
        loaded.ledger.counters.seq = record.seq;
        addKeys(loaded, record, offset);
      },
      undefined,
      preloaded,
    );
    loaded.end = scan.end;
    if (scan.tornBytes > 0 && mayCut) {
      // Only a writer, holding the lock, may cut it: for a reader it may be a write in flight.
      this.ctx.notice(`discarded an unfinished write of ${scan.tornBytes} bytes at the end of ${file} (byte ${scan.end})`);
      try {
        fs.ftruncateSync(loaded.journalFd, scan.end);
        fs.fsyncSync(loaded.journalFd);
      } catch (error) {
        throw ioError(error, file, 'truncate');
      }
    }
  }
}
