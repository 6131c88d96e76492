// One write's operations on a file state: each command gets its facts from
// the archive, is decided by the ledger, and its record is appended to the
// journal (buffered; its keys go into the tail index at once, so a later
// command of the same write finds it). Closing commits (one fsync for all of
// them) or, for an abandoned atomic batch, cuts its lines off again.

import type { Command } from '../../core/commands.js';
import { OmsError } from '../../core/errors.js';
import { recordKeys, type Facts, type OperationRecord, type Outcome } from '../../core/ledger.js';
import { gatherFacts } from '../facts.js';
import { encodeBatchEnd, encodeRecord, JournalWriter } from '../journal.js';
import type { StateView, Transaction, WriteOptions } from '../store.js';
import { ledgerView } from '../view.js';
import type { FileArchive } from './archive.js';
import type { FileContext, Loaded } from './context.js';
import type { FileState } from './open.js';

export class FileTransaction implements Transaction {
  readonly view: StateView;
  private readonly writer: JournalWriter;
  private readonly start: number;
  private batchSeq: number | undefined;
  private records = 0;
  private closed = false;
  /** True once at least one operation of this transaction is on disk. */
  committed = false;

  constructor(
    private readonly ctx: FileContext,
    private readonly state: FileState,
    private readonly archive: FileArchive,
    private readonly loaded: Loaded,
    private readonly options: WriteOptions,
  ) {
    this.view = ledgerView(loaded.ledger, archive);
    this.writer = new JournalWriter(loaded.journalFd, ctx.paths.journal, loaded.end);
    loaded.writer = this.writer;
    this.start = loaded.end;
  }

  /** A command whose facts are being fetched: the next must wait for it (await each execute). */
  private running = false;

  execute(command: Command, opId?: string): Promise<Outcome> {
    if (this.closed) return Promise.reject(new OmsError('INTERNAL', 'transaction already closed'));
    if (this.running) return Promise.reject(new OmsError('INTERNAL', 'commands of one transaction run one at a time: wait for each execute'));
    // A one-shot command's lookups block anyway: decided at once, looking up
    // only what the decision consults (a re-import's replayed row needs its
    // op id, not its order id), without a promise per lookup.
    if (this.archive.blocking) {
      try {
        return Promise.resolve(this.decide(command, opId, this.archive.now));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.executeLater(command, opId);
  }

  private async executeLater(command: Command, opId: string | undefined): Promise<Outcome> {
    this.running = true;
    let facts;
    try {
      facts = await gatherFacts(this.loaded.ledger, this.archive, command, opId);
    } finally {
      this.running = false;
    }
    if (this.closed) throw new OmsError('INTERNAL', 'transaction already closed');
    return this.decide(command, opId, facts);
  }

  /** Decides the command on its facts and appends its record, if it changed the state. */
  private decide(command: Command, opId: string | undefined, facts: Facts): Outcome {
    const ledger = this.loaded.ledger;
    const { outcome, record } = ledger.execute(command, opId, this.ctx.clock(), facts);
    if (!record) return outcome;
    const counters = ledger.counters;
    const seq = this.options.atomic ? (this.batchSeq ??= counters.seq + 1) : counters.seq + 1;
    counters.seq = seq;
    const stored: OperationRecord = { seq, ...record };
    try {
      const offset = this.writer.append(encodeRecord(stored, this.options.atomic === true));
      for (const key of recordKeys(stored)) this.loaded.tail.add(key, offset);
    } catch (error) {
      this.state.markStale();
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
        const end = { seq: this.batchSeq as number, end: this.records, at: this.ctx.clock(), ...(this.options.batchName ? { batch: this.options.batchName } : {}) };
        this.writer.append(encodeBatchEnd(end));
      }
      this.writer.sync();
    } catch (error) {
      this.rollback();
      throw error;
    }
    this.loaded.end = this.writer.end;
    this.committed = true;
    const counters = this.ctx.counters;
    counters.commits++;
    counters.fsyncs++;
    counters.operations += this.records;
  }

  private rollback(): void {
    this.state.markStale();
    try {
      this.writer.truncate(this.start);
    } catch (error) {
      // The unfinished lines stay as a torn tail; the next writer cuts them.
      void error;
    }
  }
}
