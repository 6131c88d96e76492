// The embedded store: STEM.json (snapshot) + STEM.journal (every operation,
// append-only, never rewritten) + STEM.index (key → journal offset) +
// STEM.lock. This class only sequences the jobs done elsewhere in this folder
// (open and catch-up, archive lookups, transaction, checkpoint): a write takes
// the lock, catches up with what others appended, runs its commands, appends
// and fsyncs, and now and then checkpoints. See docs/ARCHITECTURE.md for the
// on-disk format.

import fs from 'node:fs';
import { walkedSide } from '../../core/convention.js';
import { OmsError } from '../../core/errors.js';
import type { OperationRecord } from '../../core/ledger.js';
import type { Convention } from '../../core/types.js';
import { stateMode } from '../durable.js';
import { corrupt } from '../journal.js';
import { readHolder, WriterLock } from '../lock.js';
import type { StatePaths } from '../paths.js';
import { readLinesBackward } from '../reverse-lines.js';
import { openSnapshot, SNAPSHOT_SCHEMA } from '../snapshot.js';
import { locateState } from '../state-location.js';
import { quotesFromHistory } from '../quotes.js';
import type { HistoryQuery, InitResult, QuotesQuery, StoredQuote, StateStatus, StateStore, StateView, StoreOptions, StoreStats, Transaction, WriteOptions } from '../store.js';
import { ledgerView } from '../view.js';
import { FileArchive } from './archive.js';
import { checkpointQuietly } from './checkpoint.js';
import type { FileContext, FileCounters } from './context.js';
import { emptyLedger, FileState } from './open.js';
import { FileTransaction } from './transaction.js';

export class FileStore implements StateStore {
  readonly paths: StatePaths;
  private readonly ctx: FileContext;
  private readonly state: FileState;
  private readonly archive: FileArchive;
  /** In this process, a write's critical section and reads take turns (a read never sees a write half done). */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    readonly location: string,
    options: StoreOptions = {},
  ) {
    this.paths = locateState(location);
    const counters: FileCounters = { commits: 0, operations: 0, fsyncs: 0, checkpoints: 0 };
    this.ctx = {
      paths: this.paths,
      options,
      clock: options.clock ?? Date.now,
      snapshot: openSnapshot(this.paths.snapshot, () => stateMode(this.paths.snapshot)),
      counters,
      notice: (message) => options.notice?.(message),
    };
    this.state = new FileState(this.ctx);
    this.archive = new FileArchive(this.ctx, this.state);
  }

  get stats(): StoreStats {
    const { commits, operations, fsyncs, checkpoints } = this.ctx.counters;
    return { commits, operations, details: { fsyncs, checkpoints } };
  }

  /** Runs `work` when no other turn of this process is running. */
  private exclusive<T>(work: () => T | Promise<T>): Promise<T> {
    const run = this.turn.then(work);
    this.turn = run.catch(() => undefined);
    return run;
  }

  // ---- reading -------------------------------------------------------------

  read(): Promise<StateView> {
    return this.exclusive(async () => {
      const loaded = await this.state.refresh(false);
      if (loaded) return ledgerView(loaded.ledger, this.archive);
      this.ctx.notice(`no state at ${this.paths.snapshot} yet; showing an empty one`);
      return ledgerView(emptyLedger(), this.archive);
    });
  }

  async *history(query: HistoryQuery = {}): AsyncGenerator<OperationRecord> {
    const loaded = await this.exclusive(() => this.state.refresh(false));
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
      if (query.kinds && !query.kinds.includes(record.cmd.type)) continue;
      if (query.filter && !query.filter(record)) continue;
      yield record;
      if (--left <= 0) return;
    }
  }

  async *quotes(query: QuotesQuery = {}): AsyncGenerator<StoredQuote> {
    // The archive looks in the state as last loaded: catch up first, as read() does.
    if (!(await this.exclusive(() => this.state.refresh(false)))) return;
    yield* quotesFromHistory(this, this.archive, query);
  }

  status(): Promise<StateStatus> {
    return this.exclusive(async () => {
      const loaded = await this.state.refresh(false);
      const ledger = loaded?.ledger ?? emptyLedger();
      const size = (file: string): number => {
        try {
          return fs.statSync(file).size;
        } catch {
          return 0;
        }
      };
      const sizes = { snapshot: size(this.paths.snapshot), journal: size(this.paths.journal), index: size(this.paths.index) };
      const pendingJournalBytes = loaded ? loaded.end - loaded.snapshotOffset : 0;
      const lock = readHolder(this.paths.lock) ?? null;
      const lockText = lock ? `held by pid ${lock.pid} on ${lock.host} ("${lock.command}") since ${lock.since}` : 'free';
      return {
        location: this.paths.snapshot,
        exists: loaded !== undefined,
        schema: loaded ? SNAPSHOT_SCHEMA : null,
        convention: ledger.convention,
        createdAt: loaded?.createdAt ?? null,
        seq: ledger.counters.seq,
        operations: ledger.counters.operations,
        liveOrders: ledger.orderCount,
        symbols: ledger.symbols(),
        trades: ledger.counters.trades,
        quotes: ledger.counters.quotes,
        details: {
          json: { sizes, pendingJournalBytes, lock },
          lines: [
            ...Object.entries(sizes).map(([part, bytes]): [string, string] => [`Size of ${part}`, `${bytes} bytes`]),
            ['Journal not yet in snapshot', `${pendingJournalBytes} bytes`],
            ['Lock', lockText],
          ],
        },
      };
    });
  }

  // ---- writing -------------------------------------------------------------

  async write<T>(work: (tx: Transaction) => Promise<T>, options: WriteOptions = {}): Promise<T> {
    const lock = await this.lock();
    try {
      return await this.exclusive(() => this.writeLocked(work, options));
    } finally {
      lock.release();
    }
  }

  private async writeLocked<T>(work: (tx: Transaction) => Promise<T>, options: WriteOptions): Promise<T> {
    let loaded = await this.state.refresh(true);
    const convention = options.convention ?? 'document';
    const created = !loaded;
    if (!loaded) {
      this.state.create(convention);
      loaded = (await this.state.refresh(true))!;
    }
    if (options.bulk) loaded.index?.loadFully();
    const atomic = options.atomic === true || options.dryRun === true;
    const tx = new FileTransaction(this.ctx, this.state, this.archive, loaded, { ...options, atomic });
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
      if (!this.state.isStale) await checkpointQuietly(this.ctx, loaded);
      return result;
    } finally {
      // A state is created by its first committed operation, not by a rejected one.
      if (created && !tx.committed) this.state.discardCreated();
      else if (created) {
        const other = convention === 'document' ? 'market' : 'document';
        this.ctx.notice(
          `created a new state at ${this.paths.snapshot} with the ${convention} convention (a Buy request walks the ${walkedSide(convention, 'Buy')} side); it never changes for this state: for the ${other} convention, start a new state with oms --state NEW.json init --convention ${other}`,
        );
      }
    }
  }

  async init(convention: Convention): Promise<InitResult> {
    const lock = await this.lock();
    try {
      return await this.exclusive(async () => {
        const loaded = await this.state.refresh(true);
        if (loaded) {
          if (loaded.ledger.convention !== convention) {
            throw new OmsError(
              'INVALID_ARGUMENT',
              `convention: ${JSON.stringify(convention)} differs from this state's ${loaded.ledger.convention}; the convention of a state never changes`,
              { field: 'convention', value: convention },
            );
          }
          this.ctx.notice(`${this.paths.snapshot} already exists with convention ${convention}; nothing changed`);
          return { created: false, convention };
        }
        this.state.create(convention);
        return { created: true, convention };
      });
    } finally {
      lock.release();
    }
  }

  private lock(): Promise<WriterLock> {
    const { options } = this.ctx;
    return WriterLock.acquire(this.paths.lock, {
      timeoutMs: options.waitTimeoutMs ?? 10_000,
      command: options.command ?? 'oms',
      mode: stateMode(this.paths.snapshot),
      ...(options.onWait ? { onWait: options.onWait } : {}),
      onNotice: (message) => this.ctx.notice(message),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  async close(): Promise<void> {
    await this.turn;
    this.state.close();
  }
}
