// One write's operations on a PostgreSQL state, inside one database
// transaction that holds the writer lock: each command gets its books and
// facts (from this write's own records first, then by query), is decided by
// the ledger at the database's time, and is folded into the projection that
// the commit writes in one statement. A long batch (an import) is written in
// chunks inside the same transaction, so memory stays bounded; it still
// commits or rolls back whole.

import type pg from 'pg';
import type { Command } from '../../core/commands.js';
import { isRejection, OmsError } from '../../core/errors.js';
import { recordKeys, type Archive, type OperationRecord, type Outcome } from '../../core/ledger.js';
import { gatherFacts } from '../facts.js';
import type { Executed, Given, StateView, Transaction } from '../store.js';
import { ledgerView } from '../view.js';
import type { Memory } from './memory.js';
import { Projection, type OrderBefore } from './projection.js';
import type { KnownKeys } from './known.js';
import { fetchKeys, together } from './queries.js';

/** Operations folded in memory before they are written (the transaction stays open). */
const CHUNK = 5_000;
/** Commands waiting their turn whose facts are fetched together with the running one's. */
const LOOKAHEAD = 1_000;

/** How a write's opening went, once the lock is held and memory has caught up. */
export interface Opened {
  /** The database's time (ms) when the lock was had, and performance.now() then. */
  lockedAt: number;
  started: number;
  /** What was read with the opening may be stale (the lock was tried, not had, when it was read): read it again. */
  waited: boolean;
}

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
  private opening: Promise<Opened> | undefined;
  /** Commands given but not started, in order. */
  private readonly waiting: Array<{ command: Command; opId: string | undefined; fetched?: boolean }> = [];
  private turn: Promise<unknown> = Promise.resolve();
  /** A failure that was not a rejection: nothing runs after it. */
  private failure: { error: unknown } | undefined;
  private closed = false;
  /** Operations this write has run (written or not). */
  records = 0;

  constructor(
    private readonly client: pg.ClientBase,
    private readonly schema: string,
    private readonly memory: Memory,
    /**
     * The write's opening: a server's is sent (see PostgresStore.open) when
     * the first lookups are ready to go with it; nothing is decided before
     * it resolves.
     */
    private readonly opener: () => Promise<Opened>,
    /** The database's time now, in ms (undefined: counted from the opening's lock time). */
    private readonly clock: (() => number) | undefined,
    private readonly batchName: string | null,
    /** Which keys exist at all, for a write of many operations. */
    private readonly known?: KnownKeys,
  ) {
    this.projection = new Projection(schema);
    this.view = ledgerView(memory.ledger, this);
  }

  async fetch(keys: readonly string[]): Promise<Map<string, OperationRecord>> {
    // Once finished, this write's connection may already carry the next write's transaction.
    if (this.closed) throw new OmsError('INTERNAL', 'transaction already closed');
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
        try {
          if (this.failure) throw this.failure.error;
          if (this.closed) throw new OmsError('INTERNAL', 'transaction already closed');
          if (!entry.fetched) await this.lookAhead();
        } finally {
          this.waiting.splice(this.waiting.indexOf(entry), 1);
        }
        return await this.run(command, opId);
      } catch (error) {
        // The database transaction may be aborted: nothing given after this runs.
        if (!isRejection(error)) this.failure ??= { error };
        throw error;
      }
    });
    this.turn = run.catch(() => undefined);
    return run;
  }

  /** All given at once: the facts of up to LOOKAHEAD of them come in one query. */
  async executeAll(commands: ReadonlyArray<Given>): Promise<Executed[]> {
    const settled = await Promise.allSettled(commands.map(({ command, opId }) => this.execute(command, opId)));
    return settled.map((result) => (result.status === 'fulfilled' ? { outcome: result.value } : { error: result.reason as unknown }));
  }

  /**
   * Fetches, in one query each, the first facts and the books of this
   * command and those waiting behind it; the facts go out before the write's
   * opening has come back, and are asked again if the lock was not free then.
   */
  private async lookAhead(): Promise<void> {
    const keys: string[] = [];
    const needs = { keys: [] as string[], symbols: [] as string[], orders: [] as number[] };
    for (const entry of this.waiting.slice(0, LOOKAHEAD)) {
      if (entry.fetched) continue;
      entry.fetched = true;
      const need = this.memory.ledger.needs(entry.command, entry.opId);
      for (const key of need.keys) if (!this.pending.has(key) && !this.ahead.has(key) && this.known?.mayExist(key) !== false) keys.push(key);
      needs.symbols.push(...need.symbols);
      needs.orders.push(...need.orders);
    }
    const { opening, early } = together(this.client, () => ({
      opening: this.open(),
      early: keys.length > 0 ? fetchKeys(this.client, this.schema, keys) : undefined,
    }));
    early?.catch(() => undefined);
    const opened = await opening;
    // Answers are awaited in the order the queries went out, so a failure is reported by the query that met it.
    const fetched = opened.waited ? undefined : await early;
    await this.memory.load(this.client, needs);
    if (!early) return;
    const found = fetched ?? (await fetchKeys(this.client, this.schema, keys));
    for (const key of keys) this.ahead.set(key, found.get(key));
  }

  /** The opening, sent on first use. */
  private open(): Promise<Opened> {
    if (!this.opening) {
      this.opening = this.opener();
      this.opening.catch(() => undefined);
    }
    return this.opening;
  }

  /** An injected clock (tests) wins; otherwise one clock for every machine: the database's, read with the lock. */
  private now(opened: Opened): number {
    if (this.clock) return this.clock();
    return opened.lockedAt + Math.floor(performance.now() - opened.started);
  }

  private async run(command: Command, opId: string | undefined): Promise<Outcome> {
    if (this.closed) throw new OmsError('INTERNAL', 'transaction already closed');
    const opened = await this.open();
    const ledger = this.memory.ledger;
    const facts = await gatherFacts(ledger, this, command, opId, (needs) => this.memory.load(this.client, needs));
    let before: OrderBefore | undefined;
    if (command.type === 'modify') {
      const order = ledger.order(command.orderId);
      if (order) before = { amount: order.amount, price: order.price };
    }
    const { outcome, record } = ledger.execute(command, opId, this.now(opened), facts);
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

  /**
   * Writes what was folded so far: inside the still open transaction, or as
   * its commit (`sent` is called once that is on its way).
   */
  async flush(commit = false, sent?: () => void): Promise<void> {
    await this.projection.flush(this.client, this.memory.ledger.counters, commit, sent);
    this.pending = new Map();
  }

  /** Waits for commands still running, then refuses new ones. */
  async finish(): Promise<void> {
    await this.turn;
    this.closed = true;
    // One whose opening failed cannot commit.
    await this.opening;
  }
}
