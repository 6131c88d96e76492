// `oms import` without the command line (SPEC §4). The header is read before
// the writer lock is taken, so a file that is not an import file fails at
// once. Then every row runs in order inside one store write: each is checked
// against the state as the rows before it left it, the writer lock is held
// throughout so nothing changes underneath, and the whole file commits as
// one atomic batch (one fsync) or, on any bad row, not at all. With
// --continue-on-error the bad rows are set aside (and written to --rejects)
// and the rest commits. Memory follows the state, not the file: records
// stream through, and per row only a 16-byte occurrence slot is kept.

import path from 'node:path';
import type { Batch, Oms } from '../app/oms.js';
import { isRejection, OmsError, type Problem } from '../core/errors.js';
import type { Order } from '../core/types.js';
import type { StateView } from '../store/store.js';
import { readHeader, type Column } from './columns.js';
import { CsvInput, type ByteSource } from './input.js';
import { RowOpIds } from './op-ids.js';
import type { CellProblem } from './problems.js';
import { ProblemList } from './problems.js';
import type { ImportProgress } from './progress.js';
import { CsvReader, type CsvRecord } from './records.js';
import { RejectsFile } from './rejects.js';
import { RowReader, type RowRequest } from './rows.js';

export interface ImportRequest {
  /** The path as given, or `-` for stdin. */
  file: string;
  stdin: NodeJS.ReadableStream;
  /** Batch name for derived op ids; by default the file's base name, or `stdin`. */
  batch?: string;
  dryRun: boolean;
  continueOnError: boolean;
  /** With continueOnError: where the rows that were not applied go. */
  rejects?: string;
  /** Extra columns to skip (a spreadsheet's own), by header name. */
  ignoreColumns?: string[];
  /** Prices are written with a decimal comma (a comma-decimal locale's spreadsheet). */
  decimalComma?: boolean;
  /** The bytes, when the caller opened them (an object store); else `file` is opened (or stdin for `-`). */
  source?: ByteSource;
}

export interface ImportHooks {
  /** Aborted on SIGINT/SIGTERM: the batch is rolled back. */
  signal: AbortSignal;
  notice(message: string): void;
  /** A progress display for a file of this many bytes (undefined: unknown); none if absent. */
  progress?(totalBytes: number | undefined): ImportProgress;
  /** Told the counts when bad rows reject the whole file, just before the CSV_INVALID error is thrown. */
  rejectedRows?(counts: { read: number; rejected: number }): void;
}

export interface ImportSummary {
  file: string;
  batch: string;
  dryRun: boolean;
  /** Data rows read (blank lines are not rows). */
  read: number;
  /** Rows that changed the state (or would, in a dry run). */
  applied: number;
  /** Rows whose operation was already done (an import run again). */
  replayed: number;
  /** Rows that were valid but had nothing to do (removing an order already gone, setting the values it has). */
  unchanged: number;
  rejected: number;
  seconds: number;
  rejectsFile: string | null;
  problems: Problem[];
  moreProblems: number;
}

/** Ledger field names as the CSV calls them. */
const CSV_FIELDS: Record<string, Column> = { orderId: 'order_id', opId: 'op_id' };

/** How often (in rows) to look at the clock for the progress bar. */
const PROGRESS_EVERY = 1024;

export async function importCsv(app: Oms, request: ImportRequest, hooks: ImportHooks): Promise<ImportSummary> {
  const started = performance.now();
  const problems = new ProblemList(request.file);
  const batch = request.batch ?? (request.file === '-' ? 'stdin' : path.basename(request.file));
  const input = request.source ? CsvInput.fromSource(request.file, request.source, problems) : CsvInput.open(request.file, request.stdin, hooks.signal, problems);
  const progress = hooks.progress?.(input.size);
  const reader = new CsvReader(input, problems);
  const batches = reader.batches()[Symbol.asyncIterator]();
  const first = await batches.next();
  const [headerRecord, ...firstRows] = first.done ? [] : first.value;
  if (!headerRecord) throw problems.fatal(1, 'header', 'the file is empty: the first line must be a header naming the columns');
  const header = readHeader(headerRecord.cells, problems, { ignore: request.ignoreColumns ?? [] });
  if (!header) throw problems.error(`${request.file}: the header is not an import header; nothing was imported`);

  const rejects = request.rejects === undefined ? undefined : RejectsFile.open(request.rejects, header, reader.delimiter, input.bom);
  const run = new BatchRun(new RowReader(header, { decimalComma: request.decimalComma === true }), new RowOpIds(batch), problems, rejects, progress, hooks.signal, input);
  const work = async (tx: Batch): Promise<void> => {
    await run.rows(tx, firstRows);
    for (let next = await batches.next(); !next.done; next = await batches.next()) await run.rows(tx, next.value);
    if (problems.count > 0 && !request.continueOnError) {
      const rows = run.rejected === 1 ? '1 row is' : `${run.rejected} rows are`;
      hooks.rejectedRows?.({ read: run.read, rejected: run.rejected });
      throw problems.error(`${request.file}: ${rows} not valid (of ${run.read}); nothing was imported`);
    }
    progress?.committing();
  };
  try {
    await app.batch(work, { atomic: true, bulk: true, batchName: batch, dryRun: request.dryRun });
    rejects?.commit();
  } catch (error) {
    rejects?.discard();
    throw error;
  } finally {
    progress?.done();
  }
  return {
    file: request.file,
    batch,
    dryRun: request.dryRun,
    read: run.read,
    applied: run.applied,
    replayed: run.replayed,
    unchanged: run.unchanged,
    rejected: run.rejected,
    seconds: Math.round(performance.now() - started) / 1000,
    rejectsFile: rejects ? rejects.file : null,
    problems: problems.kept,
    moreProblems: problems.more,
  };
}

/** The counting and checking of one import's rows. */
class BatchRun {
  read = 0;
  applied = 0;
  replayed = 0;
  unchanged = 0;
  rejected = 0;

  constructor(
    private readonly rowReader: RowReader,
    private readonly opIds: RowOpIds,
    private readonly problems: ProblemList,
    private readonly rejects: RejectsFile | undefined,
    private readonly progress: ImportProgress | undefined,
    private readonly signal: AbortSignal,
    private readonly input: CsvInput,
  ) {}

  async rows(tx: Batch, records: CsvRecord[]): Promise<void> {
    for (const record of records) {
      if (this.signal.aborted) throw new OmsError('INTERRUPTED', `interrupted at line ${record.line}; nothing was imported`);
      this.read++;
      if (this.progress && this.read % PROGRESS_EVERY === 0) this.progress.update(this.read, this.input.position);
      if (record.cut !== undefined) {
        this.reject(record, [{ field: 'row', message: record.cut }], undefined);
        continue;
      }
      const result = this.rowReader.read(record.cells);
      if (result.problems) {
        this.reject(record, result.problems, undefined);
        continue;
      }
      const row = result.request;
      const opId = row.opId ?? this.opIds.derive(row.command);
      const mismatch = row.symbol === undefined && row.side === undefined ? undefined : await orderMismatch(tx.view, row);
      if (mismatch) {
        this.reject(record, [mismatch], opId);
        continue;
      }
      let outcome;
      try {
        outcome = await tx.execute(row.command, opId);
      } catch (error) {
        // What the order manager may reject a row for; anything else stops the import.
        if (!isRejection(error)) throw error;
        const field = error.details.field;
        this.reject(record, [{ field: field === undefined ? 'row' : (CSV_FIELDS[field] ?? field), message: error.message }], opId);
        continue;
      }
      this[outcome.status]++;
    }
  }

  private reject(record: CsvRecord, found: CellProblem[], opId: string | undefined): void {
    this.rejected++;
    for (const problem of found) this.problems.add(record.line, problem.field, problem.message);
    this.rejects?.add(record.cells, opId, `line ${record.line}: ${found.map((problem) => `${problem.field}: ${problem.message}`).join('; ')}`);
  }
}

/** The symbol and side cells of a modify or remove row must describe the order it names. */
async function orderMismatch(view: StateView, row: RowRequest): Promise<CellProblem | undefined> {
  const orderId = (row.command as { orderId: number }).orderId;
  let order: Order;
  try {
    order = (await view.orderStatus(orderId)).order;
  } catch (error) {
    if (error instanceof OmsError && error.code === 'ORDER_NOT_FOUND') return undefined;
    throw error;
  }
  if (row.symbol !== undefined && row.symbol !== order.symbol) {
    return { field: 'symbol', message: `${row.symbol} does not match order ${orderId}, which is ${order.symbol}` };
  }
  if (row.side !== undefined && row.side !== order.side) {
    return { field: 'side', message: `${row.side} does not match order ${orderId}, which is ${order.side}` };
  }
  return undefined;
}
