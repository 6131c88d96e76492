// The snapshot (STEM.json): the live orders and counters as of one journal
// offset, read and written through lowdb with our own durable adapter (the
// stock adapters do not fsync). Orders are rows of fields, one row per line,
// in priority order per book side, so reloading is appending in order and a
// million live orders stay small.

import fs from 'node:fs';
import { LowSync, type SyncAdapter } from 'lowdb';
import { OmsError } from '../core/errors.js';
import type { Ledger, LedgerCounters } from '../core/ledger.js';
import type { Convention, Side } from '../core/types.js';
import { ioError, replaceFile } from './durable.js';
import { LineReader } from './journal.js';

export const SNAPSHOT_SCHEMA = 1;

/** [orderId, symbol index, 0 Buy | 1 Sell, amount, price in 1e-8 units, source, acceptedAt ms] */
export type OrderRow = [number, number, 0 | 1, number, number, string | null, number];

export interface Snapshot {
  oms: 'state';
  schema: number;
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
  const { orders, ...head } = snapshot;
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

export function parseSnapshot(text: string, file: string): Snapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(file, 'the snapshot is not valid JSON', lineOf(text, error));
  }
  const snapshot = checkHead(value, file);
  if (!Array.isArray(snapshot.orders)) throw corrupt(file, 'the snapshot is missing fields or has fields of the wrong type');
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
function* streamedRows(reader: LineReader, file: string, close: () => void): Generator<OrderRow> {
  try {
    let previous: 'open' | 'row' | 'last' = 'open';
    for (let line = 2; ; line++) {
      const current = reader.next();
      if (!current || !current.complete) throw corrupt(file, 'the snapshot ends too soon', line);
      if (current.text === ']}') {
        if (previous === 'row' || reader.next() !== undefined) throw corrupt(file, 'the snapshot is not valid JSON', line);
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

/** The rows of an open snapshot file; `close` releases it if they are never read. */
class StreamedRows implements Iterable<OrderRow> {
  private open = true;

  constructor(
    private readonly reader: LineReader,
    private readonly fd: number,
    private readonly file: string,
  ) {}

  [Symbol.iterator](): Iterator<OrderRow> {
    return streamedRows(this.reader, this.file, () => this.close());
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

  constructor(
    private readonly file: string,
    private readonly mode: () => number,
  ) {}

  read(): SnapshotDocument | null {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw ioError(error, this.file, 'read');
    }
    let streaming = false;
    try {
      this.size = fs.fstatSync(fd).size;
      const reader = new LineReader(fd, 0, this.size);
      const first = reader.next();
      if (first?.complete && first.text.endsWith(ORDERS_OPEN)) {
        let head: unknown;
        try {
          head = JSON.parse(`${first.text}]}`);
        } catch {
          head = undefined;
        }
        if (head !== undefined) {
          const snapshot = checkHead(head, this.file);
          streaming = true;
          return { ...snapshot, orders: new StreamedRows(reader, fd, this.file) };
        }
      }
      // Not our one-row-per-line layout (edited by hand?): read it whole.
      return parseSnapshot(fs.readFileSync(fd, 'utf8'), this.file);
    } catch (error) {
      throw error instanceof OmsError ? error : ioError(error, this.file, 'read');
    } finally {
      if (!streaming) fs.closeSync(fd);
    }
  }

  write(data: SnapshotDocument): void {
    this.size = replaceFile(this.file, serializeSnapshot(data), this.mode());
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
