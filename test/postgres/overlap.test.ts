// A server's writes overlap: once a write's commit is on its way, the next
// one's opening follows it on the same connection, and the database answers
// that opening once the first has committed. These tests hold the first
// commit in the database (another session locks the state row its
// projection updates), so what happens meanwhile is seen, not raced.

import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Oms } from '../../src/app/oms.js';
import { addCommand } from '../../src/core/commands.js';
import type { Outcome } from '../../src/core/ledger.js';
import { CommitQueue } from '../../src/serve/commit-queue.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import type { StoreOptions } from '../../src/store/store.js';
import { startPace } from '../pace.js';
import { testDatabaseUrl, testStateUrl } from './server.js';

/** A hang guard for waiting on the database, from this machine's measured pace. */
const GUARD_MS = startPace().commands(10);

const cleanup: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const add = (orderId: number) => addCommand({ orderId, symbol: 'JPM', side: 'Buy', amount: 1, price: '10' });

async function admin(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: await testDatabaseUrl() });
  await client.connect();
  cleanup.push(() => client.end());
  return client;
}

/** Polls `probe` until it gives something (not false or undefined); the guard only stops a hung test, saying what `hung` describes. */
async function eventually<T>(probe: () => T | false | undefined | Promise<T | false | undefined>, hung: () => string | Promise<string>): Promise<T> {
  const deadline = Date.now() + GUARD_MS;
  while (Date.now() < deadline) {
    const found = await probe();
    if (found !== undefined && found !== false) return found;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`never true: ${await hung()}`);
}

/** Polls the database until `query` returns a row (if it never does, shows what the sessions were doing). */
function until(client: pg.Client, query: string, values: unknown[]): Promise<Record<string, unknown>> {
  return eventually(
    async () => (await client.query(query, values)).rows[0] as Record<string, unknown> | undefined,
    async () => {
      const { rows } = await client.query(`select pid, wait_event_type, wait_event, state, left(query, 300) as query from pg_stat_activity where backend_type = 'client backend'`);
      return `${query}\n${JSON.stringify(rows, null, 1)}`;
    },
  );
}

/** Another session holds the state row, so that a write's projection (which updates it) waits, its commit unanswered. */
async function holdStateRow(schema: string): Promise<pg.Client> {
  const holder = await admin();
  await holder.query('begin');
  await holder.query(`select seq from "${schema}".state for update`);
  return holder;
}

const projectionWaits = (watcher: pg.Client, schema: string) =>
  until(
    watcher,
    `select pid from pg_stat_activity where wait_event_type = 'Lock' and wait_event in ('transactionid', 'tuple') and query like $1`,
    [`with new_operations as (%insert into "${schema}".operations%`],
  );


/** The backend (process id) of every connection that is sent a `begin` from now on, in order, until the test ends. */
function recordBegins(): number[] {
  const begins: number[] = [];
  const query = pg.Client.prototype.query;
  const spy = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
    const sql = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: unknown } | undefined)?.text;
    if (typeof sql === 'string' && sql.startsWith('begin')) begins.push((this as unknown as { processID: number }).processID);
    return (query as (...given: unknown[]) => unknown).apply(this, args);
  } as typeof query);
  cleanup.push(async () => spy.mockRestore());
  return begins;
}

/** A server's store on a state with one order, whose next write's commit another session holds back. */
async function heldCommit(options: StoreOptions = {}) {
  const url = await testStateUrl();
  const schema = new URL(url).searchParams.get('schema') as string;
  const store = new PostgresStore(url, { longLived: true, command: 'overlap test', ...options });
  cleanup.push(() => store.close());
  await store.write((tx) => tx.execute(add(1)));
  const holder = await holdStateRow(schema);
  const begins = recordBegins();
  const watcher = await admin();
  const events: string[] = [];
  let second: Promise<Outcome> | undefined;
  const first = store
    .write((tx) => tx.execute(add(2)), {
      onCommitting: () => {
        events.push('first committing');
        second = store.write((tx) => {
          events.push('second started');
          return tx.execute(add(3));
        });
        second.catch(() => undefined);
      },
    })
    .finally(() => events.push('first answered'));
  first.catch(() => undefined);
  // The first write's projection waits for the state row; the second write has started behind its commit.
  const blocked = await projectionWaits(watcher, schema);
  await eventually(() => events.includes('second started'), () => 'the second write started');
  return { store, schema, holder, watcher, events, begins, first, second: () => second as Promise<Outcome>, firstPid: blocked.pid as number };
}

describe('overlapping writes on PostgreSQL', () => {
  it('the next write opens while the one before commits, and commits after it', async () => {
    const { store, schema, holder, watcher, events, begins, first, second, firstPid } = await heldCommit();
    expect(events).toEqual(['first committing', 'second started']);
    // The second write opened on the first one's connection, behind its commit, while that commit was held.
    expect(begins).toEqual([firstPid, firstPid]);
    await holder.query('commit');
    expect((await first).status).toBe('applied');
    expect((await second()).status).toBe('applied');
    expect(events).toEqual(['first committing', 'second started', 'first answered']);
    const { rows } = await watcher.query(`select o.seq, x.order_id from "${schema}".operations o join "${schema}".orders x on x.added_seq = o.seq order by o.seq`);
    expect(rows.map((row) => [Number(row.seq), Number(row.order_id)])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect([...(await store.read()).orders()].map((order) => order.orderId)).toEqual([1, 2, 3]);
  });

  it.each([
    ['its backend is terminated', 'pg_terminate_backend'],
    ['its statement is cancelled: the connection lives on, and the write behind rolls back on it', 'pg_cancel_backend'],
  ])('if the write before does not commit (%s), the one behind it writes nothing, and later writes start afresh', async (_how, stop) => {
    const { store, schema, holder, watcher, first, second, firstPid } = await heldCommit();
    await watcher.query(`select ${stop}($1)`, [firstPid]);
    await expect(first).rejects.toMatchObject({ code: 'STATE_IO' });
    await expect(second()).rejects.toMatchObject({ code: 'STATE_IO', message: expect.stringContaining('did not commit') });
    await holder.query('commit');
    // The first of these reloads memory on a connection of its own; the second shares a new one.
    for (const orderId of [4, 5]) expect((await store.write((tx) => tx.execute(add(orderId)))).status).toBe('applied');
    const { rows } = await watcher.query(`select order_id from "${schema}".orders order by added_seq`);
    expect(rows.map((row) => Number(row.order_id))).toEqual([1, 4, 5]);
    expect([...(await store.read()).orders()].map((order) => order.orderId)).toEqual([1, 4, 5]);
    expect((await store.status()).seq).toBe(3);
  });

  it('a lock timeout shorter than the commit before does not fail the write behind it', async () => {
    const { schema, holder, watcher, first, second, firstPid } = await heldCommit({ waitTimeoutMs: 50 });
    // Twice the lock timeout passes, by the database's clock, with the first commit held and the second write behind it.
    await until(watcher, `select 1 from pg_stat_activity where pid = $1 and clock_timestamp() - query_start > interval '100 milliseconds'`, [firstPid]);
    await holder.query('commit');
    expect((await first).status).toBe('applied');
    expect((await second()).status).toBe('applied');
    const { rows } = await watcher.query(`select order_id from "${schema}".orders order by added_seq`);
    expect(rows.map((row) => Number(row.order_id))).toEqual([1, 2, 3]);
  });

  it('the commit queue starts the next batch while one commits, and answers every request', async () => {
    const url = await testStateUrl();
    const schema = new URL(url).searchParams.get('schema') as string;
    const app = await Oms.open(url, { longLived: true, command: 'overlap test' });
    cleanup.push(() => app.close());
    const queue = new CommitQueue(app);
    const writes = vi.spyOn(app, 'batch');
    expect((await queue.submit(add(1), undefined)).status).toBe('applied');
    const holder = await holdStateRow(schema);
    const watcher = await admin();
    const answers = [queue.submit(add(2), undefined)];
    await projectionWaits(watcher, schema);
    answers.push(queue.submit(add(3), undefined));
    await eventually(() => writes.mock.calls.length === 3, () => 'the write of order 3 started');
    // Neither of these can start before the write of order 3 sends its commit: they wait, together.
    answers.push(queue.submit(add(4), undefined), queue.submit(add(5), undefined));
    expect(queue.pending).toBe(4);
    const commits = app.stats.commits;
    await holder.query('commit');
    expect((await Promise.all(answers)).map((outcome) => outcome.status)).toEqual(['applied', 'applied', 'applied', 'applied']);
    await queue.drained();
    expect(queue.pending).toBe(0);
    expect(app.stats.commits - commits).toBe(3);
    const { rows } = await watcher.query(`select order_id, added_seq from "${schema}".orders order by added_seq`);
    expect(rows.map((row) => [Number(row.order_id), Number(row.added_seq)])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
  });
});
