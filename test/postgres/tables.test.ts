// The tables of a PostgreSQL state: created once under the writer lock, a
// newer schema refused by version, and what a batch writes read back exactly
// (records in canonical key order, books in queue order, facts by key).

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OperationRecord } from '../../src/core/ledger.js';
import { lockHolder, takeWriterLock } from '../../src/store/postgres/lock.js';
import { migrate, schemaVersion, SCHEMA_VERSION } from '../../src/store/postgres/migrations.js';
import { Projection } from '../../src/store/postgres/projection.js';
import { createStateRow, fetchKeys, liveSymbolsOf, loadLiveOrders, operationsAfter, operationsBefore, readStateRow } from '../../src/store/postgres/queries.js';
import { testDatabaseUrl, uniqueSchema } from './server.js';

let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: await testDatabaseUrl(), max: 4 });
});

afterAll(async () => {
  await pool.end();
});

async function inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

const T0 = Date.parse('2026-12-01T10:00:00.123Z');

const add = (seq: number, orderId: number, symbol: string, side: 'Buy' | 'Sell', amount: number, price: string): OperationRecord => ({
  seq,
  at: T0 + seq,
  op: `op-${seq}`,
  cmd: { type: 'add', orderId, symbol, side, amount, price, source: seq === 1 ? 'desk' : null },
});

describe('PostgreSQL tables', () => {
  it('migrates once, concurrently, and refuses a newer schema by its version', async () => {
    const schema = uniqueSchema();
    await Promise.all([1, 2, 3].map(() => inTransaction(async (client) => {
      await takeWriterLock(client, schema, { timeoutMs: 10_000, display: 'x' });
      await migrate(client, schema, 'x');
    })));
    const client = await pool.connect();
    try {
      expect(await schemaVersion(client, schema, 'x')).toBe(SCHEMA_VERSION);
      const { rows } = await client.query(`select count(*)::int as n from "${schema}".schema_migrations`);
      expect(rows[0].n).toBe(SCHEMA_VERSION);
      await client.query(`insert into "${schema}".schema_migrations (version) values (${SCHEMA_VERSION + 1})`);
      await expect(schemaVersion(client, schema, 'postgres://u:***@h/db')).rejects.toThrow(
        `written by a newer oms (schema ${SCHEMA_VERSION + 1}; this oms reads up to ${SCHEMA_VERSION})`,
      );
      expect(await schemaVersion(client, uniqueSchema(), 'x')).toBe(0);
    } finally {
      client.release();
    }
  });

  it('names the lock holder, and a waiter past its timeout gets STATE_LOCKED', async () => {
    const schema = uniqueSchema();
    const holder = await pool.connect();
    const waiter = await pool.connect();
    try {
      await holder.query(`set application_name = 'oms 4242@deskhost oms import big.csv'`);
      await holder.query('begin');
      await takeWriterLock(holder, schema, { timeoutMs: 1000, display: 'x' });
      expect(await lockHolder(waiter, schema)).toMatchObject({ pid: 4242, host: 'deskhost', command: 'oms import big.csv' });
      await waiter.query('begin');
      const waited: unknown[] = [];
      await expect(takeWriterLock(waiter, schema, { timeoutMs: 200, display: 'the state', onWait: (h) => waited.push(h) })).rejects.toMatchObject({
        code: 'STATE_LOCKED',
        details: { holder: { pid: 4242 } },
      });
      expect(waited).toHaveLength(1);
      await waiter.query('rollback');
      await holder.query('commit');
      await waiter.query('begin');
      expect(Math.abs((await takeWriterLock(waiter, schema, { timeoutMs: 200, display: 'x' })) - Date.now())).toBeLessThan(60_000);
      await waiter.query('commit');
    } finally {
      holder.release();
      waiter.release();
    }
  });

  it('writes a batch in one statement and reads back records, books and facts', async () => {
    const schema = uniqueSchema();
    const records: OperationRecord[] = [
      add(1, 1, 'JPM', 'Buy', 20, '20'),
      add(2, 4, 'JPM', 'Buy', 10, '21'),
      add(3, 3, 'AMZN', 'Sell', 7, '10'),
      add(4, 5, 'JPM', 'Buy', 5, '20'),
      // Order 1 grows: to the back of its level (behind order 5).
      { seq: 5, at: T0 + 5, op: 'op-5', cmd: { type: 'modify', orderId: 1, amount: 25 }, res: { order: { orderId: 1, symbol: 'JPM', side: 'Buy', amount: 25, price: '20', source: 'desk', acceptedAt: new Date(T0 + 1).toISOString() }, removed: false } },
      {
        seq: 6,
        at: T0 + 6,
        op: 'op-6',
        cmd: { type: 'quote', symbol: 'JPM', side: 'Buy', amount: 5, client: 'c', ttl: 60, partial: false },
        res: { symbol: 'JPM', side: 'Buy', requested: 5, filled: 5, total: '100', partial: false, fills: [{ orderId: 5, amount: 5, price: '20' }], quoteId: 1, opId: 'op-6', client: 'c', expiresAt: new Date(T0 + 60_006).toISOString() },
      },
      {
        seq: 7,
        at: T0 + 7,
        op: 'quote:1',
        cmd: { type: 'tradeQuote', quoteId: 1 },
        res: { tradeId: 1, symbol: 'JPM', side: 'Buy', requested: 5, filled: 5, total: '100', partial: false, fills: [{ orderId: 5, amount: 5, price: '20' }], client: 'c', quoteId: 1, opId: 'quote:1', executedAt: new Date(T0 + 7).toISOString() },
        ended: [5],
      },
      { seq: 8, at: T0 + 8, op: 'op-8', cmd: { type: 'remove', orderId: 3 } },
    ];
    const live = new Map([[1, 25], [4, 10]]);
    await inTransaction(async (client) => {
      await migrate(client, schema, 'x');
      await createStateRow(client, schema, 'document');
      const projection = new Projection(schema);
      for (const record of records.slice(0, 6)) projection.add(record, null, (id) => live.get(id), record.seq === 5 ? { amount: 20, price: '20' } : undefined);
      await projection.flush(client, { seq: 6, nextTradeId: 1, nextQuoteId: 2, operations: 6, trades: 0, quotes: 1 });
      for (const record of records.slice(6)) projection.add(record, 'batch-b', (id) => live.get(id));
      await projection.flush(client, { seq: 8, nextTradeId: 2, nextQuoteId: 2, operations: 8, trades: 1, quotes: 1 });
    });
    const client = await pool.connect();
    try {
      const state = await readStateRow(client, schema);
      expect(state).toMatchObject({ convention: 'document', liveOrders: 2, counters: { seq: 8, nextTradeId: 2, nextQuoteId: 2, operations: 8, trades: 1, quotes: 1 } });
      const back = await operationsAfter(client, schema, 0, 8, 100);
      expect(back).toEqual(records);
      // Key order survives jsonb: a replay prints what the first run printed.
      expect(back.map((record) => JSON.stringify(record))).toEqual(records.map((record) => JSON.stringify(record)));
      expect((await operationsBefore(client, schema, 8, 2)).map((record) => record.seq)).toEqual([7, 6]);
      const books = await loadLiveOrders(client, schema, ['JPM']);
      expect(books.map((order) => [order.orderId, order.amount, order.price])).toEqual([[4, 10, '21'], [1, 25, '20']]);
      expect(books[1]?.acceptedAt).toBe(T0 + 1);
      expect(await loadLiveOrders(client, schema, ['AMZN'])).toEqual([]);
      expect(await liveSymbolsOf(client, schema, [1, 3, 5, 99])).toEqual(['JPM']);
      const facts = await fetchKeys(client, schema, ['o:op-2', 'i:3', 'e:3', 'e:5', 'e:1', 'q:1', 'x:1', 'o:nope', 'i:not-a-number']);
      expect([...facts.keys()].sort()).toEqual(['e:3', 'e:5', 'i:3', 'o:op-2', 'q:1', 'x:1']);
      expect(facts.get('e:5')?.seq).toBe(7);
      expect(facts.get('x:1')?.op).toBe('quote:1');
      const sql = await client.query(`select o.order_id, o.amount, o.ended_how, q.trade_id, f.amount as filled
        from "${schema}".orders o left join "${schema}".fills f on f.order_id = o.order_id left join "${schema}".quotes q on q.trade_id = f.trade_id
        where o.order_id in (3, 5) order by o.order_id`);
      expect(sql.rows).toEqual([
        { order_id: '3', amount: '0', ended_how: 'removed', trade_id: null, filled: null },
        { order_id: '5', amount: '0', ended_how: 'filled', trade_id: '1', filled: '5' },
      ]);
    } finally {
      client.release();
    }
  });
});
