// The snapshot (STEM.json): the live orders and counters as of one journal
// offset, read and written through lowdb with our own durable adapter (the
// stock adapters do not fsync). Orders are rows of fields, one row per line,
// in priority order per book side, so reloading is appending in order and a
// million live orders stay small. The first line carries a sha256 of the
// whole file (computed with that value as zeros), so a snapshot changed after
// oms wrote it is STATE_CORRUPT, never built upon; snapshots written before
// checksums have none and are checked against the journal instead
// (snapshot-check.ts).

import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import { LowSync, type SyncAdapter } from 'lowdb';
import { OmsError } from '../core/errors.js';
import type { Ledger, LedgerCounters } from '../core/ledger.js';
import type { Convention, Side } from '../core/types.js';
import { ioError, replaceFile, writeAll } from './durable.js';
import { LineReader, LineTooLong } from './journal.js';
import { openStateFile } from './safe-open.js';

export const SNAPSHOT_SCHEMA = 1;

/** The checksum's value while it is computed (and when it is checked). */
const UNSUMMED = '0'.repeat(64);
const SUM_KEY = '"sha256":"';
/** No line of a snapshot is longer (the first holds every symbol); a longer one is damage, not read on. */
export const MAX_SNAPSHOT_LINE = 64 * 1024 * 1024;

/** [orderId, symbol index, 0 Buy | 1 Sell, amount, price in 1e-8 units, source, acceptedAt ms] */
export type OrderRow = [number, number, 0 | 1, number, number, string | null, number];

export interface Snapshot {
  oms: 'state';
  schema: number;
  /** sha256 of the file with this value as 64 zeros; absent in snapshots written before checksums. */
  sha256?: string;
  convention: Convention;
  journalId: string;
  createdAt: string;
  /** The journal up to this byte offset (and sequence number) is folded in. */
  journalOffset: number;
  counters: LedgerCounters;
  symbols: string[];
  orders: OrderRow[];
}

function corrupt(file: string, problem: string, line?: number): OmsError {
  return new OmsError('STATE_CORRUPT', `${file}: ${problem}${line ? ` (line ${line})` : ''}`, { file, ...(line ? { line } : {}) });
}

/** Line of a JSON.parse failure, from the position V8 reports. */
function lineOf(text: string, error: unknown): number | undefined {
  const match = /position (\d+)/.exec(String((error as Error).message));
  if (!match) return text.length ? text.split('\n').length : 1;
  return text.slice(0, Number(match[1])).split('\n').length;
}

/** A snapshot on its way to disk: the orders are produced while it is written. */
export type SnapshotDocument = Omit<Snapshot, 'orders'> & { orders: Iterable<OrderRow> };

/** The snapshot's text in chunks, so a million orders never become one string. */
export function* serializeSnapshot(snapshot: SnapshotDocument): Generator<string> {
  const { orders, oms, schema, ...rest } = snapshot;
  const head = { oms, schema, sha256: UNSUMMED, ...rest };
  head.sha256 = UNSUMMED;
  let chunk = `${JSON.stringify(head).slice(0, -1)},"orders":[`;
  let first = true;
  for (const row of orders) {
    chunk += `${first ? '\n' : ',\n'}${JSON.stringify(row)}`;
    first = false;
    if (chunk.length >= 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}\n]}\n`;
}

/** Writes a snapshot durably with its checksum; returns its size in bytes. */
export function writeSnapshot(file: string, snapshot: SnapshotDocument, mode: number): number {
  const hash = createHash('sha256');
  let at = -1;
  function* summed(): Generator<string> {
    for (const chunk of serializeSnapshot(snapshot)) {
      // The head is ASCII up to the checksum, so its index is its byte offset.
      if (at < 0) at = chunk.indexOf(SUM_KEY) + SUM_KEY.length;
      hash.update(chunk);
      yield chunk;
    }
  }
  return replaceFile(file, summed(), mode, (fd) => writeAll(fd, hash.digest('hex'), at));
}

function badChecksum(file: string): OmsError {
  return corrupt(file, 'the checksum does not match the content: the snapshot was changed after oms wrote it (by hand?); run oms doctor, or oms doctor --salvage NEWPATH to rebuild it from the journal');
}

/** The checksum a snapshot claims, checked for form; undefined for one written before checksums. */
function claimedSum(head: { sha256?: unknown }, file: string): string | undefined {
  const sum = head.sha256;
  if (sum === undefined) return undefined;
  if (typeof sum !== 'string' || !/^[0-9a-f]{64}$/.test(sum)) throw corrupt(file, 'the checksum is not a sha256', 1);
  return sum;
}

/** A hash of `text` as it was when its checksum was computed. */
function hashWithoutSum(text: string, sum: string): Hash {
  return createHash('sha256').update(text.replace(`${SUM_KEY}${sum}"`, `${SUM_KEY}${UNSUMMED}"`));
}

export function parseSnapshot(text: string, file: string): Snapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(file, 'the snapshot is not valid JSON', lineOf(text, error));
  }
  const snapshot = checkHead(value, file);
  if (!Array.isArray(snapshot.orders)) throw corrupt(file, 'the snapshot is missing fields or has fields of the wrong type');
  const sum = claimedSum(snapshot, file);
  if (sum !== undefined && hashWithoutSum(text, sum).digest('hex') !== sum) throw badChecksum(file);
  return snapshot as Snapshot;
}

/** Checks everything but the orders. */
function checkHead(value: unknown, file: string): SnapshotDocument {
  const snapshot = value as Snapshot;
  if (!snapshot || typeof snapshot !== 'object' || snapshot.oms !== 'state' || typeof snapshot.schema !== 'number') {
    throw corrupt(file, 'not an oms state file');
  }
  if (snapshot.schema > SNAPSHOT_SCHEMA) {
    throw new OmsError(
      'STATE_CORRUPT',
      `${file} was written by a newer oms (schema ${snapshot.schema}; this oms reads up to ${SNAPSHOT_SCHEMA}): upgrade oms; the file is not damaged`,
      { file },
    );
  }
  if (snapshot.schema < 1) throw corrupt(file, `unknown schema version ${snapshot.schema}`);
  const counters = snapshot.counters as LedgerCounters | undefined;
  const countersOk = counters && ['seq', 'nextTradeId', 'nextQuoteId', 'operations', 'trades', 'quotes'].every((key) => Number.isSafeInteger(counters[key as keyof LedgerCounters]));
  if (
    (snapshot.convention !== 'document' && snapshot.convention !== 'market') ||
    typeof snapshot.journalId !== 'string' ||
    !Number.isSafeInteger(snapshot.journalOffset) ||
    !countersOk ||
    !Array.isArray(snapshot.symbols)
  ) {
    throw corrupt(file, 'the snapshot is missing fields or has fields of the wrong type');
  }
  return snapshot;
}

const ORDERS_OPEN = ',"orders":[';

/**
 * The order rows of a snapshot in our layout (one row per line), parsed one
 * line at a time as they are consumed, so reading a big book never holds the
 * whole text or every row at once. Closes the file when done.
 */
function* streamedRows(reader: LineReader, file: string, close: () => void, check: { hash: Hash; sum: string } | undefined): Generator<OrderRow> {
  try {
    let previous: 'open' | 'row' | 'last' = 'open';
    for (let line = 2; ; line++) {
      const current = nextLine(reader, file, line);
      if (!current || !current.complete) throw corrupt(file, 'the snapshot ends too soon', line);
      check?.hash.update(current.text).update('\n');
      if (current.text === ']}') {
        if (previous === 'row' || nextLine(reader, file, line + 1) !== undefined) throw corrupt(file, 'the snapshot is not valid JSON', line);
        if (check && check.hash.digest('hex') !== check.sum) throw badChecksum(file);
        return;
      }
      if (previous === 'last') throw corrupt(file, 'the snapshot is not valid JSON', line);
      const comma = current.text.endsWith(',');
      let row: unknown;
      try {
        row = JSON.parse(comma ? current.text.slice(0, -1) : current.text);
      } catch {
        throw corrupt(file, 'the snapshot is not valid JSON', line);
      }
      previous = comma ? 'row' : 'last';
      yield row as OrderRow;
    }
  } finally {
    close();
  }
}

/** A snapshot line, or STATE_CORRUPT if it runs past MAX_SNAPSHOT_LINE. */
function nextLine(reader: LineReader, file: string, line: number): ReturnType<LineReader['next']> {
  try {
    return reader.next();
  } catch (error) {
    if (error instanceof LineTooLong) throw corrupt(file, `a line is longer than ${MAX_SNAPSHOT_LINE} bytes`, line);
    throw error;
  }
}

/** The rows of an open snapshot file; `close` releases it if they are never read. */
class StreamedRows implements Iterable<OrderRow> {
  private open = true;

  constructor(
    private readonly reader: LineReader,
    private readonly fd: number,
    private readonly file: string,
    private readonly check: { hash: Hash; sum: string } | undefined,
  ) {}

  [Symbol.iterator](): Iterator<OrderRow> {
    return streamedRows(this.reader, this.file, () => this.close(), this.check);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    fs.closeSync(this.fd);
  }
}

/** Releases what a snapshot read holds open when its rows will not be read. */
export function discardRows(snapshot: SnapshotDocument): void {
  if (snapshot.orders instanceof StreamedRows) snapshot.orders.close();
}

/** lowdb adapter: synchronous, fsyncs, replaces the file atomically. */
export class DurableSnapshotFile implements SyncAdapter<SnapshotDocument> {
  /** Bytes of the last snapshot read or written, for the checkpoint policy. */
  size = 0;
  /** The last snapshot read or written has a checksum (one without is rewritten by the next write). */
  checksummed = true;

  constructor(
    private readonly file: string,
    private readonly mode: () => number,
  ) {}

  read(): SnapshotDocument | null {
    let fd: number;
    try {
      fd = openStateFile(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw ioError(error, this.file, 'read');
    }
    let streaming = false;
    try {
      this.size = fs.fstatSync(fd).size;
      const reader = new LineReader(fd, 0, this.size, undefined, undefined, MAX_SNAPSHOT_LINE);
      const first = nextLine(reader, this.file, 1);
      if (first?.complete && first.text.endsWith(ORDERS_OPEN)) {
        let head: unknown;
        try {
          head = JSON.parse(`${first.text}]}`);
        } catch {
          head = undefined;
        }
        if (head !== undefined) {
          const snapshot = checkHead(head, this.file);
          const sum = claimedSum(snapshot, this.file);
          const check = sum === undefined ? undefined : { hash: hashWithoutSum(first.text, sum).update('\n'), sum };
          this.checksummed = check !== undefined;
          streaming = true;
          return { ...snapshot, orders: new StreamedRows(reader, fd, this.file, check) };
        }
      }
      // Not our one-row-per-line layout (edited by hand?): read it whole, if it is not too big for that.
      if (this.size > MAX_SNAPSHOT_LINE) throw corrupt(this.file, `not in the layout oms writes, and too big (${this.size} bytes) to read whole`);
      const snapshot = parseSnapshot(fs.readFileSync(fd, 'utf8'), this.file);
      this.checksummed = snapshot.sha256 !== undefined;
      return snapshot;
    } catch (error) {
      throw error instanceof OmsError ? error : ioError(error, this.file, 'read');
    } finally {
      if (!streaming) fs.closeSync(fd);
    }
  }

  write(data: SnapshotDocument): void {
    this.size = writeSnapshot(this.file, data, this.mode());
    this.checksummed = true;
  }
}

export function openSnapshot(file: string, mode: () => number): { db: LowSync<SnapshotDocument | null>; adapter: DurableSnapshotFile } {
  const adapter = new DurableSnapshotFile(file, mode);
  return { db: new LowSync<SnapshotDocument | null>(adapter as SyncAdapter<SnapshotDocument | null>, null), adapter };
}

function* orderRows(ledger: Ledger, symbolIndex: Map<string, number>): Generator<OrderRow> {
  for (const order of ledger.orderRows()) {
    yield [order.orderId, symbolIndex.get(order.symbol)!, order.side === 'Buy' ? 0 : 1, order.amount, order.price, order.source, order.acceptedAt];
  }
}

/** The ledger's live orders as rows, in priority order per book side, produced as they are written. */
export function snapshotOf(ledger: Ledger, base: Omit<Snapshot, 'counters' | 'symbols' | 'orders' | 'convention'>): SnapshotDocument {
  const symbols = ledger.symbols();
  const symbolIndex = new Map(symbols.map((symbol, i) => [symbol, i]));
  return { ...base, convention: ledger.convention, counters: { ...ledger.counters }, symbols, orders: orderRows(ledger, symbolIndex) };
}

/** Puts a snapshot's orders into a fresh ledger. */
export function restoreOrders(ledger: Ledger, snapshot: SnapshotDocument, file: string): void {
  const sides: Side[] = ['Buy', 'Sell'];
  let i = 0;
  for (const row of snapshot.orders) {
    const [orderId, symbolIndex, side, amount, price, source, acceptedAt] = row;
    const symbol = snapshot.symbols[symbolIndex];
    const sideName = sides[side];
    if (
      !Array.isArray(row) ||
      symbol === undefined ||
      sideName === undefined ||
      !Number.isSafeInteger(orderId) ||
      !Number.isSafeInteger(amount) ||
      amount <= 0 ||
      !Number.isSafeInteger(price) ||
      price <= 0 ||
      (source !== null && typeof source !== 'string') ||
      !Number.isFinite(acceptedAt) ||
      ledger.isLive(orderId)
    ) {
      throw corrupt(file, `order row ${i + 1} is damaged`, i + 2);
    }
    ledger.restoreOrder(orderId, symbol, sideName, amount, price, source, acceptedAt);
    i++;
  }
}
