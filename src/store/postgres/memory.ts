// The books this process holds in memory, and how they follow the database.
// A short-lived CLI process loads only the books its command touches (a
// symbol's live orders, in queue order); a long-lived one (`oms serve`, or
// anyone who reads everything) loads all of them once and then catches up by
// applying the operations after its own sequence number. A partial memory
// that fell behind is simply dropped and its books loaded again: cheaper
// than knowing which of the new operations touched them.

import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { parsePrice } from '../../core/decimal.js';
import { OmsError } from '../../core/errors.js';
import { Ledger, type Needs, type OperationRecord } from '../../core/ledger.js';
import type { Convention } from '../../core/types.js';
import { liveSymbolsOf, loadLiveOrders, operationsAfter, type LiveOrderRow, type StateRow } from './queries.js';

/** Operations applied per query when catching up. */
export const CATCH_UP_PAGE = 10_000;

// Generated op ids: a random prefix per process and a counter, so making one
// costs no round trip (an import can make a million).
const opIdPrefix = randomBytes(6).toString('hex');
let opIdCounter = 0;

export function newOpId(): string {
  return `op-${Date.now().toString(36)}-${opIdPrefix}${(opIdCounter++).toString(36)}`;
}

export class Memory {
  readonly ledger: Ledger;
  /** Every book is loaded (else only `symbols`). */
  private all = false;
  private readonly symbols = new Set<string>();
  /**
   * Orders already looked up that are not live in an unloaded book. Books
   * not in memory do not change while this memory follows the database (a
   * write holds the lock), so each order is looked up once.
   */
  private readonly checked = new Set<number>();

  constructor(
    private readonly schema: string,
    row: StateRow,
  ) {
    this.ledger = new Ledger(row.convention, newOpId, row.counters);
  }

  get seq(): number {
    return this.ledger.counters.seq;
  }

  get complete(): boolean {
    return this.all;
  }

  /** Some books, not all, are loaded. */
  get partial(): boolean {
    return !this.all && this.symbols.size > 0;
  }

  /** An empty memory for a state that does not exist (yet). */
  static empty(schema: string, convention: Convention = 'document'): Memory {
    return new Memory(schema, {
      convention,
      createdAt: new Date(0).toISOString(),
      liveOrders: 0,
      counters: { seq: 0, nextTradeId: 1, nextQuoteId: 1, operations: 0, trades: 0, quotes: 0 },
    });
  }

  /**
   * Whether this memory can follow the database from `row` on: a complete
   * one applies what it missed (caller: catchUp), a partial one that missed
   * anything must be dropped.
   */
  canFollow(row: StateRow): boolean {
    if (row.convention !== this.ledger.convention || row.counters.seq < this.seq) return false;
    return this.all || row.counters.seq === this.seq;
  }

  /** Applies the operations committed after this memory, up to `upTo`. */
  async catchUp(client: pg.ClientBase, upTo: number, display: string): Promise<void> {
    while (this.seq < upTo) {
      const records = await operationsAfter(client, this.schema, this.seq, upTo, CATCH_UP_PAGE);
      if (records.length === 0) throw new OmsError('STATE_CORRUPT', `${display}: operations after ${this.seq} up to ${upTo} are missing`);
      this.apply(records, display);
    }
  }

  /** Applies operations that follow this memory, oldest first, each exactly next in sequence. */
  apply(records: readonly OperationRecord[], display: string): void {
    for (const record of records) {
      if (record.seq !== this.seq + 1) {
        throw new OmsError('STATE_CORRUPT', `${display}: operation ${this.seq + 1} is missing (the next one is ${record.seq})`);
      }
      try {
        this.ledger.apply(record);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new OmsError('STATE_CORRUPT', `${display}: operation ${record.seq} does not apply to the state before it (${reason})`);
      }
      this.ledger.counters.seq = record.seq;
    }
  }

  /** Loads every book not in memory yet. */
  async loadAll(client: pg.ClientBase): Promise<void> {
    if (this.all) return;
    if (this.symbols.size > 0) throw new OmsError('INTERNAL', 'loadAll on a partly loaded memory');
    this.restore(await loadLiveOrders(client, this.schema, undefined));
    this.all = true;
  }

  /** Loads the books a command needs: its symbols, and those of the orders it names that are live. */
  async load(client: pg.ClientBase, needs: Needs): Promise<void> {
    if (this.all) return;
    const symbols = new Set(needs.symbols.filter((symbol) => !this.symbols.has(symbol)));
    const unknownOrders = needs.orders.filter((orderId) => !this.checked.has(orderId) && !this.ledger.isLive(orderId));
    if (unknownOrders.length > 0) {
      for (const symbol of await liveSymbolsOf(client, this.schema, unknownOrders)) {
        if (!this.symbols.has(symbol)) symbols.add(symbol);
      }
      for (const orderId of unknownOrders) this.checked.add(orderId);
    }
    if (symbols.size === 0) return;
    const wanted = [...symbols];
    this.restore(await loadLiveOrders(client, this.schema, wanted));
    for (const symbol of wanted) this.symbols.add(symbol);
  }

  private restore(rows: Iterable<LiveOrderRow>): void {
    for (const row of rows) {
      this.ledger.restoreOrder(row.orderId, row.symbol, row.side, row.amount, parsePrice(row.price), row.source, row.acceptedAt);
    }
  }
}
