// One write's operations on a PostgreSQL state, inside one database
// transaction that holds the writer lock: each command gets its books and
// facts (from this write's own records first, then by query), is decided by
// the ledger at the database's time, and is folded into the projection that
// the commit writes in one statement. A long batch (an import) is written in
// chunks inside the same transaction, so memory stays bounded; it still
// commits or rolls back whole.

import type pg from 'pg';
import type { Command } from '../../core/commands.js';
import { OmsError } from '../../core/errors.js';
import { recordKeys, type Archive, type OperationRecord, type Outcome } from '../../core/ledger.js';
import { gatherFacts } from '../facts.js';
import type { StateView, Transaction } from '../store.js';
import { ledgerView } from '../view.js';
import type { Memory } from './memory.js';
import { Projection, type OrderBefore } from './projection.js';
import type { KnownKeys } from './known.js';
import { fetchKeys } from './queries.js';

/** Operations folded in memory before they are written (the transaction stays open). */
const CHUNK = 5_000;
/** Commands waiting their turn whose facts are fetched together with the running one's. */
const LOOKAHEAD = 1_000;

export class PostgresTransaction implements Transaction, Archive {
  readonly view: StateView;
  private readonly projection: Projection;
  /** Records of this write not yet written, by archive key. */
  private pending = new Map<string, OperationRecord>();
  /**
   * Facts fetched ahead for commands still waiting (a key without a record
   * maps to undefined). The database does not change under this write, so
   * they stay true until one of this write's own records takes the key.
   */
  private ahead = new Map<string, OperationRecord | undefined>();
  /** Commands given but not started, in order. */
  private readonly waiting: Array<{ command: Command; opId: string | undefined; fetched?: boolean }> = [];
  private turn: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Operations this write has run (written or not). */
  records = 0;

  constructor(
    private readonly client: pg.ClientBase,
    private readonly schema: string,
    private readonly memory: Memory,
    /** The database's time now, in ms. */
    private readonly clock: () => number,
    private readonly batchName: string | null,
    /** Which keys exist at all, for a write of many operations. */
    private readonly known?: KnownKeys,
  ) {
    this.projection = new Projection(schema);
    this.view = ledgerView(memory.ledger, this);
  }

  async fetch(keys: readonly string[]): Promise<Map<string, OperationRecord>> {
    const found = new Map<string, OperationRecord>();
    const missing: string[] = [];
    for (const key of keys) {
      const record = this.pending.get(key) ?? this.ahead.get(key);
      if (record) found.set(key, record);
      else if (!this.ahead.has(key) && this.known?.mayExist(key) !== false) missing.push(key);
    }
    for (const [key, record] of await fetchKeys(this.client, this.schema, missing)) found.set(key, record);
    return found;
  }

  /**
   * Commands run one at a time, in the order given, even if the caller does
   * not wait for each; one that does not wait lets the facts and books of
   * the commands behind it be fetched in the same round trip.
   */
  execute(command: Command, opId?: string): Promise<Outcome> {
    const entry: (typeof this.waiting)[number] = { command, opId };
    this.waiting.push(entry);
    const run = this.turn.then(async () => {
      try {
        if (this.closed) throw new OmsError('INTERNAL', 'transaction already closed');
        if (this.waiting.length > 1 && !entry.fetched) await this.lookAhead();
      } finally {
        this.waiting.splice(this.waiting.indexOf(entry), 1);
      }
      return this.run(command, opId);
    });
    this.turn = run.catch(() => undefined);
    return run;
  }

  /** Fetches, in one query each, the first facts and the books of this command and those waiting behind it. */
  private async lookAhead(): Promise<void> {
    const ledger = this.memory.ledger;
    const keys: string[] = [];
    const needs = { keys: [] as string[], symbols: [] as string[], orders: [] as number[] };
    for (const entry of this.waiting.slice(0, LOOKAHEAD)) {
      if (entry.fetched) continue;
      entry.fetched = true;
      const need = ledger.needs(entry.command, entry.opId);
      for (const key of need.keys) if (!this.pending.has(key) && !this.ahead.has(key) && this.known?.mayExist(key) !== false) keys.push(key);
      needs.symbols.push(...need.symbols);
      needs.orders.push(...need.orders);
    }
    await this.memory.load(this.client, needs);
    if (keys.length === 0) return;
    const found = await fetchKeys(this.client, this.schema, keys);
    for (const key of keys) this.ahead.set(key, found.get(key));
  }

  private async run(command: Command, opId: string | undefined): Promise<Outcome> {
    if (this.closed) throw new OmsError('INTERNAL', 'transaction already closed');
    const ledger = this.memory.ledger;
    const facts = await gatherFacts(ledger, this, command, opId, (needs) => this.memory.load(this.client, needs));
    let before: OrderBefore | undefined;
    if (command.type === 'modify') {
      const order = ledger.order(command.orderId);
      if (order) before = { amount: order.amount, price: order.price };
    }
    const { outcome, record } = ledger.execute(command, opId, this.clock(), facts);
    if (!record) return outcome;
    const stored: OperationRecord = { seq: ledger.counters.seq + 1, ...record };
    ledger.counters.seq = stored.seq;
    for (const key of recordKeys(stored)) {
      this.pending.set(key, stored);
      this.ahead.delete(key);
      this.known?.add(key);
    }
    this.projection.add(stored, this.batchName, (orderId) => ledger.order(orderId)?.amount, before);
    this.records++;
    if (this.projection.size >= CHUNK) await this.flush();
    return outcome;
  }

  /** Writes what was folded so far: inside the still open transaction, or as its commit. */
  async flush(commit = false): Promise<void> {
    await this.projection.flush(this.client, this.memory.ledger.counters, commit);
    this.pending = new Map();
  }

  /** Waits for commands still running, then refuses new ones. */
  async finish(): Promise<void> {
    await this.turn;
    this.closed = true;
  }
}
