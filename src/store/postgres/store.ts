// The PostgreSQL store (SPEC §9): one schema is one state, shared by every
// process and machine that opens it. `operations` is the journal; the other
// tables follow it in the same transaction. Each process keeps books in
// memory (memory.ts) and catches up before it answers; a write is one
// transaction under the writer lock (lock.ts), stamped with the database's
// time, committed in a few round trips whatever its size.

import pg from 'pg';
import { OmsError } from '../../core/errors.js';
import type { Archive, Needs, OperationRecord } from '../../core/ledger.js';
import type { Convention } from '../../core/types.js';
import type { CommitWatch } from '../commit-watch.js';
import type { HistoryQuery, InitResult, QuotesQuery, ReadScope, StoredQuote, StateStatus, StateStore, StateView, StoreOptions, StoreStats, Transaction, WriteOptions } from '../store.js';
import { ledgerView } from '../view.js';
import { channelOf, CommitListener } from './commit-watch.js';
import { databaseError } from './errors.js';
import { parseLocation, type PostgresLocation } from './location.js';
import { applicationName, BEGIN_WRITE, lockHolder, takeWriterLock, tryLockSql, type LockAttempt } from './lock.js';
import { KnownKeys } from './known.js';
import { CATCH_UP_PAGE, Memory } from './memory.js';
import { migrate, schemaVersion, SCHEMA_VERSION } from './migrations.js';
import { createStateRow, fetchKeys, operationsAfter, operationsBefore, quotesBefore, readStateRow, stateRowFrom, stateRowSql, together, type StateRow } from './queries.js';
import { stateSymbols } from './symbols.js';
import { PostgresTransaction, type Opened } from './transaction.js';

const HISTORY_PAGE = 500;

/**
 * The connection a server's writes share once its memory holds every book:
 * each write's opening is sent right behind the previous write's commit, and
 * the database answers them in that order. `users`: writes on it now.
 */
interface SharedConnection {
  client: pg.PoolClient;
  users: number;
  broken?: Error;
  released: boolean;
}

export class PostgresStore implements StateStore, Archive, CommitWatch {
  readonly location: string;
  private readonly where: PostgresLocation;
  private readonly pool: pg.Pool;
  private memory: Memory | undefined;
  /** Each commit is one database transaction (one WAL flush). */
  private readonly counters = { commits: 0, operations: 0 };
  /** In this process, writes and reads take turns (a read never sees a write half done): everything before has finished. */
  private turn: Promise<unknown> = Promise.resolve();
  /**
   * A write may start: reads before it have finished, and writes before it
   * have finished or, on the shared connection, sent their commit: the round
   * trip that opens it then follows that commit on the same connection.
   */
  private gate: Promise<unknown> = Promise.resolve();
  /** While a commit on the shared connection is sent and not yet answered: whether it committed. */
  private committing: Promise<boolean> | undefined;
  private readonly watchers = new Set<() => void>();
  /** Open while anyone watches commits. */
  private listening: CommitListener | undefined;
  private unlistened: Promise<void> = Promise.resolve();

  constructor(
    location: string,
    private readonly options: StoreOptions = {},
  ) {
    this.where = parseLocation(location);
    this.location = this.where.display;
    this.pool = new pg.Pool({
      connectionString: this.where.connectionString,
      application_name: applicationName(options.command ?? 'oms'),
      max: options.longLived ? 10 : 2,
      connectionTimeoutMillis: 10_000,
      // A long-lived server keeps a connection; a CLI process must not wait for one to idle out.
      idleTimeoutMillis: options.longLived ? 30_000 : 1_000,
      allowExitOnIdle: true,
      // Queries are sent without waiting for the answer to the one before: a
      // write's opening, its lookups and its commit each share one round trip.
      pipeline: true,
      // A connection whose peer vanished (a half-open socket) is found out
      // instead of waiting forever for an answer.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // A connection that dies while idle (the server restarted) is dropped from
    // the pool and replaced on the next use; without a listener it would crash the process.
    this.pool.on('error', () => undefined);
  }

  get stats(): StoreStats {
    const { commits, operations } = this.counters;
    return { commits, operations };
  }

  /** Once the schema is known to be at this oms's version it is not asked again (versions only grow). */
  private current = false;

  /** True when the state's tables exist (and are not from a newer oms). */
  private async hasTables(client: pg.ClientBase): Promise<boolean> {
    if (this.current) return true;
    const version = await schemaVersion(client, this.where.schema, this.location);
    this.current = version === SCHEMA_VERSION;
    return version > 0;
  }

  private notice(message: string): void {
    this.options.notice?.(message);
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.turn.then(work);
    this.turn = run.catch(() => undefined);
    this.gate = this.turn;
    return run;
  }

  /** Runs `work` with a pooled connection; any failure becomes STATE_IO naming the state. */
  private async withClient<T>(action: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw databaseError(error, this.location, 'connect to');
    }
    let broken: Error | undefined;
    const onError = (error: Error): void => {
      broken = error;
    };
    client.on('error', onError);
    try {
      return await work(client);
    } catch (error) {
      if (!(error instanceof OmsError)) broken ??= error as Error;
      // Whatever failed, the connection goes back to the pool outside any transaction, or not at all.
      if (!broken) await client.query('rollback').catch((failure: Error) => (broken = failure));
      throw databaseError(error, this.location, action);
    } finally {
      client.off('error', onError);
      // A connection that failed is closed, not reused: its transaction state is unknown.
      client.release(broken);
    }
  }

  private shared: SharedConnection | undefined;

  /**
   * Runs a server's write on the shared connection (taken from the pool on
   * first use, or after the last one broke). Unlike withClient it never sends
   * a rollback of its own: the write behind may already be on the connection,
   * and writeWith rolls back only a transaction that is still its own.
   */
  private async withShared<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let connection = this.shared;
    if (!connection) {
      // A commit still unanswered went on the connection given up: this write follows it once answered, not beside it.
      await this.committing;
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (error) {
        throw databaseError(error, this.location, 'connect to');
      }
      const fresh: SharedConnection = { client, users: 0, released: false };
      client.on('error', (error: Error) => {
        fresh.broken ??= error;
        this.settle(fresh);
      });
      this.shared = connection = fresh;
    }
    connection.users++;
    try {
      return await work(connection.client);
    } catch (error) {
      // A failure of the driver leaves the connection in an unknown state: the writes after this one take another.
      if (!(error instanceof OmsError)) connection.broken ??= error as Error;
      throw databaseError(error, this.location, 'write to');
    } finally {
      connection.users--;
      this.settle(connection);
    }
  }

  /**
   * A broken shared connection is given to no new write; one no longer
   * shared goes back to the pool (closed if broken) once unused. One left
   * inside a transaction (a rollback that failed) counts as broken.
   */
  private settle(connection: SharedConnection): void {
    if (connection.users === 0 && !connection.broken && !connection.released && connection.client.getTransactionStatus() !== 'I') {
      connection.broken = new Error('a write left its transaction open');
    }
    if (connection.broken && this.shared === connection) this.shared = undefined;
    if (connection.released || connection.users > 0 || this.shared === connection) return;
    connection.released = true;
    connection.client.release(connection.broken);
  }

  // ---- the archive (outside a write) ---------------------------------------

  async fetch(keys: readonly string[]): Promise<Map<string, OperationRecord>> {
    if (keys.length === 0) return new Map();
    return this.withClient('read', async (client) => {
      if (!(await this.hasTables(client))) return new Map();
      return fetchKeys(client, this.where.schema, keys);
    });
  }

  // ---- reading -------------------------------------------------------------

  /**
   * Brings memory up to the committed state, in one consistent snapshot, with
   * the books `scope` names (or every book). Undefined when there is no state.
   */
  private async refresh(client: pg.ClientBase, scope: ReadScope): Promise<Memory | undefined> {
    if (!(await this.hasTables(client))) return undefined;
    const row = await readStateRow(client, this.where.schema);
    if (!row) return undefined;
    const { symbol, orderId } = scope;
    const some = symbol !== undefined || orderId !== undefined;
    await this.follow(
      client,
      row,
      !some || this.options.longLived === true ? 'all' : { symbols: symbol === undefined ? [] : [symbol], orders: orderId === undefined ? [] : [orderId] },
    );
    return this.memory;
  }

  /** Makes memory follow `row`, then loads the books asked for (those of some symbols and of some orders if live). */
  private async follow(client: pg.ClientBase, row: StateRow, books: 'all' | Pick<Needs, 'symbols' | 'orders'>): Promise<Memory> {
    let memory = this.memory;
    if (!memory || !memory.canFollow(row) || (books === 'all' && memory.partial)) {
      memory = new Memory(this.where.schema, row);
      this.memory = memory;
    }
    this.memory = undefined;
    if (memory.complete) await memory.catchUp(client, row.counters.seq, this.location);
    if (books === 'all') await memory.loadAll(client);
    else await memory.load(client, { keys: [], ...books });
    this.memory = memory;
    return memory;
  }

  read(scope: ReadScope = {}): Promise<StateView> {
    return this.exclusive(() =>
      this.withClient('read', async (client) => {
        // A complete memory only catches up (operations are bounded by the
        // state row's seq); loading books needs them and the counters from one snapshot.
        const snapshot = !this.memory?.complete;
        if (snapshot) await client.query('begin isolation level repeatable read read only');
        try {
          const memory = await this.refresh(client, scope);
          if (memory) return ledgerView(memory.ledger, this);
          this.notice(`no state at ${this.location} yet; showing an empty one`);
          return ledgerView(Memory.empty(this.where.schema).ledger, this);
        } finally {
          if (snapshot) await client.query('commit');
        }
      }),
    );
  }

  async *history(query: HistoryQuery = {}): AsyncGenerator<OperationRecord> {
    let left = query.limit ?? Infinity;
    if (left <= 0) return;
    let before = Number.MAX_SAFE_INTEGER;
    for (;;) {
      // Without a filter, the first page is all that is asked for (`history --limit 5` reads 5 rows).
      const size = query.filter ? HISTORY_PAGE : Math.min(left, HISTORY_PAGE);
      const page = await this.withClient('read', async (client) => {
        if (!(await this.hasTables(client))) return [];
        return operationsBefore(client, this.where.schema, before, size, query.kinds);
      });
      for (const record of page) {
        if (query.filter && !query.filter(record)) continue;
        yield record;
        if (--left <= 0) return;
      }
      if (page.length < size) return;
      before = (page[page.length - 1] as OperationRecord).seq;
    }
  }

  async *quotes(query: QuotesQuery = {}): AsyncGenerator<StoredQuote> {
    let left = query.limit ?? Infinity;
    if (left <= 0) return;
    let before = Number.MAX_SAFE_INTEGER;
    for (;;) {
      const page = await this.withClient('read', async (client) => {
        if (!(await this.hasTables(client))) return [];
        return quotesBefore(client, this.where.schema, before, HISTORY_PAGE, query.quoteId);
      });
      for (const stored of page) {
        if (query.filter && !query.filter(stored)) continue;
        yield stored;
        if (--left <= 0) return;
      }
      if (page.length < HISTORY_PAGE) return;
      before = (page[page.length - 1]!.quote.res as { quoteId: number }).quoteId;
    }
  }

  status(): Promise<StateStatus> {
    return this.withClient('read', async (client) => {
      await client.query('begin isolation level repeatable read read only');
      try {
        const version = await schemaVersion(client, this.where.schema, this.location);
        const row = version === 0 ? undefined : await readStateRow(client, this.where.schema);
        const symbols = row ? await stateSymbols(client, this.where.schema, version) : [];
        const holder = row ? await lockHolder(client, this.where.schema) : undefined;
        const server = (await client.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? '';
        const lockText = holder ? `held by pid ${holder.pid} on ${holder.host} ("${holder.command}") since ${holder.since}` : 'free';
        return {
          location: this.location,
          exists: row !== undefined,
          schema: row ? version : null,
          convention: row?.convention ?? 'document',
          createdAt: row?.createdAt ?? null,
          seq: row?.counters.seq ?? 0,
          operations: row?.counters.operations ?? 0,
          liveOrders: row?.liveOrders ?? 0,
          symbols,
          trades: row?.counters.trades ?? 0,
          quotes: row?.counters.quotes ?? 0,
          details: {
            json: { database: { schema: this.where.schema, serverVersion: server, schemaVersion: SCHEMA_VERSION }, lock: holder ?? null },
            lines: [
              ['Database schema', this.where.schema],
              ['PostgreSQL', server],
              ['Writer lock', lockText],
            ],
          },
        };
      } finally {
        await client.query('commit');
      }
    });
  }

  // ---- writing -------------------------------------------------------------

  /** Takes the writer lock in the open transaction; returns the database's time then. */
  private async lock(client: pg.PoolClient, tried?: LockAttempt): Promise<number> {
    const signal = this.options.signal;
    if (signal?.aborted) throw new OmsError('INTERRUPTED', 'interrupted before the write started');
    // A wait for the lock is cut short by cancelling it from another connection.
    const cancel = (): void => {
      const pid = (client as unknown as { processID?: number }).processID;
      if (pid !== undefined) this.pool.query('select pg_cancel_backend($1)', [pid]).catch(() => undefined);
    };
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      return await takeWriterLock(
        client,
        this.where.schema,
        {
          timeoutMs: this.options.waitTimeoutMs ?? 10_000,
          display: this.location,
          ...(this.options.onWait ? { onWait: this.options.onWait } : {}),
        },
        tried,
      );
    } catch (error) {
      if (signal?.aborted) throw new OmsError('INTERRUPTED', 'interrupted while waiting for another writer; nothing was written');
      throw error;
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  }

  /**
   * Opens a writer's transaction, takes the lock and reads the state row
   * (undefined: no state yet). On a schema known to be current and a free
   * lock, that is one round trip.
   */
  private async begin(client: pg.PoolClient): Promise<{ lockedAt: number; row: StateRow | undefined }> {
    const schema = this.where.schema;
    if (!this.current) {
      await client.query(BEGIN_WRITE);
      let lockedAt = await this.lock(client);
      const exists = await this.hasTables(client);
      if (exists && !this.current) lockedAt = await this.upgrade(client);
      return { lockedAt, row: exists ? await readStateRow(client, schema) : undefined };
    }
    const { lockedAt, row } = await this.beginCurrent(client);
    return { lockedAt, row };
  }

  /**
   * Opens a writer's transaction on a schema known to be current: `begin`,
   * a try for the lock, the state row and (with `after`) the operations past
   * that seq, all sent before any answer is back. If the lock was not free,
   * waits for it and reads the row again (one read before the lock was had
   * may be stale; the operations read then are still a committed prefix).
   */
  private async beginCurrent(
    client: pg.PoolClient,
    after?: number,
  ): Promise<{ lockedAt: number; row: StateRow | undefined; waited: boolean; missed: OperationRecord[] }> {
    const schema = this.where.schema;
    const replies = together(client, () => ({
      begun: client.query(BEGIN_WRITE),
      locked: client.query<LockAttempt>(tryLockSql(schema)),
      state: client.query<Record<string, string>>(stateRowSql(schema)),
      missed: after === undefined ? Promise.resolve([]) : operationsAfter(client, schema, after, Number.MAX_SAFE_INTEGER, CATCH_UP_PAGE),
    }));
    // Every reply is awaited below, in the order sent; one failing must not leave the others unhandled.
    for (const reply of Object.values(replies)) reply.catch(() => undefined);
    await replies.begun;
    const attempt = (await replies.locked).rows[0] as LockAttempt;
    const lockedAt = await this.lock(client, attempt);
    const missed = await replies.missed;
    const row = attempt.ok ? stateRowFrom((await replies.state).rows[0]) : await readStateRow(client, schema);
    return { lockedAt, row, waited: !attempt.ok, missed };
  }

  /**
   * Waits for the answer to the previous write's commit, which went before
   * this write's opening on the same connection. A commit that failed fails
   * this write too, and memory, which holds that write, is loaded afresh.
   */
  private async committed(behind: Promise<boolean>): Promise<void> {
    if (await behind) return;
    this.memory = undefined;
    throw new OmsError('STATE_IO', `${this.location}: the write before this one did not commit; nothing was written, retry`);
  }

  /**
   * Brings a schema an older oms wrote up to this one's version and commits
   * that alone, so that a write that then rolls back (a rejected command, a
   * dry run) does not undo it; then opens the write's transaction again.
   * Returns the database's time once the lock is had again.
   */
  private async upgrade(client: pg.PoolClient): Promise<number> {
    await migrate(client, this.where.schema, this.location);
    await client.query('commit');
    this.current = true;
    await client.query(BEGIN_WRITE);
    return this.lock(client);
  }

  /**
   * A server's write, whose memory holds every book: the opening (begin,
   * lock, state row, the operations it missed) is sent and not waited for,
   * so the transaction sends its first lookups behind it and both come back
   * in one round trip. Resolves once the lock is held and memory has caught
   * up; `waited` says the lookups sent with the opening may be stale (sent
   * before the lock was had), so they are sent again. `behind`: the previous
   * write's commit, sent before this opening on the same connection, so
   * answered before it; this write goes on only if that one committed.
   */
  private async open(client: pg.PoolClient, memory: Memory, behind: Promise<boolean> | undefined): Promise<Opened> {
    const opening = this.beginCurrent(client, memory.seq);
    opening.catch(() => undefined);
    // Answered before the opening: had that commit failed, it is the reason this write fails, whatever the opening met.
    if (behind) await this.committed(behind);
    const { lockedAt, row, waited, missed } = await opening;
    if (!row || !memory.canFollow(row)) {
      // The state was dropped or made again under this server: start from it afresh on the next write.
      this.memory = undefined;
      this.current = false;
      throw new OmsError('STATE_IO', `${this.location}: the state changed under this server (made again or restored); nothing was written, retry`);
    }
    memory.apply(missed, this.location);
    await memory.catchUp(client, row.counters.seq, this.location);
    return { lockedAt, started: performance.now(), waited };
  }

  write<T>(work: (tx: Transaction) => Promise<T>, options: WriteOptions = {}): Promise<T> {
    let sent!: () => void;
    const commitSent = new Promise<void>((resolve) => (sent = resolve));
    const run = this.gate.then(() =>
      // A server's writes follow each other on one connection; any other write takes its own.
      this.options.longLived && this.current && this.memory?.complete && !options.bulk
        ? this.withShared((client) => this.writeWith(client, work, options, sent, true))
        : this.withClient('write to', (client) => this.writeWith(client, work, options, sent, false)),
    );
    const done = run.catch(() => undefined);
    // Settled to nothing: a chain of results would grow with every write under steady load.
    this.turn = Promise.all([this.turn, done]).then(() => undefined);
    this.gate = Promise.race([commitSent, done]);
    return run;
  }

  /**
   * `shared`: on the shared connection, where `sent` is called once the
   * commit is on its way and the next write may follow it there. Any other
   * write lets the next one start only once it has ended.
   */
  private async writeWith<T>(
    client: pg.PoolClient,
    work: (tx: Transaction) => Promise<T>,
    options: WriteOptions,
    sent: () => void,
    shared: boolean,
  ): Promise<T> {
    let open = true;
    let changed = false;
    const rollback = async (): Promise<void> => {
      if (!open) return;
      open = false;
      // Memory ran ahead of what is now thrown away: load it again next time.
      if (changed) this.memory = undefined;
      await client.query('rollback');
    };
    const commit = async (tx: PostgresTransaction): Promise<void> => {
      let answered!: (committed: boolean) => void;
      const committing = new Promise<boolean>((resolve) => (answered = resolve));
      try {
        await tx.flush(true, () => {
          // The commit ends the transaction whatever its answer: nothing may roll back after it, on a connection the next write may use.
          open = false;
          if (!shared) return;
          this.committing = committing;
          sent();
          try {
            options.onCommitting?.();
          } catch {
            // The commit is on its way whatever the caller's hook does; it must not be reported as failed.
          }
        });
        answered(true);
      } catch (error) {
        answered(false);
        // Memory holds what this commit did not write.
        if (!open) this.memory = undefined;
        throw error;
      } finally {
        if (this.committing === committing) this.committing = undefined;
      }
      this.counters.commits++;
      this.counters.operations += tx.records;
    };
    try {
      const memory = this.memory;
      let tx: PostgresTransaction;
      let created = false;
      const convention = options.convention ?? 'document';
      if (shared && this.current && memory?.complete && !options.bulk) {
        // Taken now, with memory: whether memory holds a commit not yet answered.
        const behind = this.committing;
        tx = new PostgresTransaction(client, this.where.schema, memory, () => this.open(client, memory, behind), this.options.clock, options.batchName ?? null);
      } else {
        // Only a write on the shared connection follows a commit not yet answered; this one waits for that answer.
        await this.committing;
        const { lockedAt, row: current } = await this.begin(client);
        const opened = Promise.resolve<Opened>({ lockedAt, started: performance.now(), waited: false });
        let row = current;
        created = !row;
        changed = created;
        if (!row) {
          await migrate(client, this.where.schema, this.location);
          await createStateRow(client, this.where.schema, convention);
          row = (await readStateRow(client, this.where.schema)) as StateRow;
        }
        // A long-lived store, or a write of many operations, is cheaper with every book in memory at once.
        const followed = await this.follow(client, row, this.options.longLived || options.bulk ? 'all' : { symbols: [], orders: [] });
        // Many operations follow: knowing which keys exist spares a lookup for each new one.
        const known = options.bulk ? await KnownKeys.load(client, this.where.schema) : undefined;
        tx = new PostgresTransaction(client, this.where.schema, followed, () => opened, this.options.clock, options.batchName ?? null, known);
      }
      const atomic = options.atomic === true || options.dryRun === true;
      let result: T;
      try {
        result = await work(tx);
      } catch (error) {
        await tx.finish();
        changed ||= tx.records > 0;
        // Without `atomic`, what ran before the failure stands (as each command would alone).
        if (!atomic && tx.records > 0) await commit(tx);
        throw error;
      }
      await tx.finish();
      changed ||= tx.records > 0;
      if (options.dryRun || tx.records === 0) {
        await rollback();
      } else {
        await commit(tx);
        if (created) {
          this.current = true;
          this.notice(`created a new state at ${this.location} (convention ${convention})`);
        }
      }
      return result;
    } catch (error) {
      // withClient rolls back again, or closes the connection if it cannot (withShared closes a broken one).
      await rollback().catch(() => undefined);
      throw error;
    }
  }

  init(convention: Convention): Promise<InitResult> {
    return this.exclusive(() =>
      this.withClient('initialise', async (client) => {
        await client.query(BEGIN_WRITE);
        try {
          await this.lock(client);
          await migrate(client, this.where.schema, this.location);
          const row = await readStateRow(client, this.where.schema);
          if (row) {
            // Keeps what migrate did: `oms init` is how a state an older oms wrote is upgraded on purpose.
            await client.query('commit');
            if (row.convention !== convention) {
              throw new OmsError(
                'INVALID_ARGUMENT',
                `convention: ${JSON.stringify(convention)} differs from this state's ${row.convention}; the convention of a state never changes`,
                { field: 'convention', value: convention },
              );
            }
            this.notice(`${this.location} already exists with convention ${convention}; nothing changed`);
            return { created: false, convention };
          }
          await createStateRow(client, this.where.schema, convention);
          await client.query('commit');
          return { created: true, convention };
        } catch (error) {
          await client.query('rollback');
          throw error;
        }
      }),
    );
  }

  // ---- following other processes ------------------------------------------

  /** For a long-lived store: `listener` is called after another process commits (LISTEN on a connection of its own). */
  watchCommits(listener: () => void): () => void {
    this.watchers.add(listener);
    this.listening ??= new CommitListener({
      connectionString: this.where.connectionString,
      // First, since PostgreSQL cuts the name at 63 bytes and a command line is often longer.
      applicationName: applicationName(`listening: ${this.options.command ?? 'oms'}`),
      channel: channelOf(this.where.schema),
      onCommit: (seq) => this.announce(seq),
    });
    return () => {
      this.watchers.delete(listener);
      if (this.watchers.size === 0) void this.unlisten();
    };
  }

  private announce(seq: number | undefined): void {
    // Memory that has the commit already (this process's own, or one a read
    // caught up with) needs no catch-up, which would take a turn between writes.
    if (seq !== undefined && this.memory !== undefined && this.memory.seq >= seq) return;
    for (const watcher of this.watchers) watcher();
  }

  private unlisten(): Promise<void> {
    const listening = this.listening;
    this.listening = undefined;
    if (listening) this.unlistened = Promise.all([this.unlistened, listening.close()]).then(() => undefined);
    return this.unlistened;
  }

  async close(): Promise<void> {
    this.watchers.clear();
    await this.unlisten();
    await this.turn;
    const shared = this.shared;
    this.shared = undefined;
    if (shared) this.settle(shared);
    this.memory = undefined;
    // Closing twice is closing once.
    if (!this.pool.ended) await this.pool.end();
  }
}
