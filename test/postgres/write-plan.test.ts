// Inside a write, every join looks up a few rows by key. The planner takes a
// batch's jsonb array for 100 rows and, on a table of a few thousand orders,
// hash-joined it against a sequential scan of every order to update one;
// BEGIN_WRITE turns hash and merge joins off so it walks the primary key.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCommand } from '../../src/core/commands.js';
import { BEGIN_WRITE } from '../../src/store/postgres/lock.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { testDatabaseUrl, testStateUrl, uniqueSchema } from './server.js';

let admin: pg.Client;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: await testDatabaseUrl() });
  await admin.connect();
});

afterAll(async () => {
  await admin.end();
});

/** The plan, inside a write's transaction, of the update a batch runs for the orders it changed (as projection.ts writes it). */
async function changedOrdersPlan(schema: string): Promise<string> {
  await admin.query(BEGIN_WRITE);
  try {
    const { rows } = await admin.query<{ 'QUERY PLAN': string }>(
      `explain update "${schema}".orders o set amount = r.amount
         from jsonb_to_recordset($1::jsonb) as r(order_id bigint, amount bigint) where o.order_id = r.order_id`,
      [JSON.stringify([{ order_id: 7, amount: 0 }])],
    );
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  } finally {
    await admin.query('rollback');
  }
}

describe('a write finds the orders it changes by key', () => {
  it('uses the primary key of orders, not a scan of the table', async () => {
    const schema = uniqueSchema();
    const store = new PostgresStore(await testStateUrl(schema));
    try {
      await store.write(async (tx) => {
        await tx.executeAll(
          Array.from({ length: 3000 }, (_, i) => ({ command: addCommand({ orderId: i + 1, symbol: 'JPM', side: i % 2 ? 'Buy' : 'Sell', amount: 1, price: String(i % 2 ? 10 : 20) }) })),
        );
      });
    } finally {
      await store.close();
    }
    await admin.query(`analyze "${schema}".orders`);
    // Without the write's settings this PostgreSQL plans a sequential scan here (seen with 'begin' alone);
    // that is the planner's call, so only the write's own plan is asserted.
    const plan = await changedOrdersPlan(schema);
    expect(plan).toMatch(/Index Scan using orders_pkey on orders/);
    expect(plan).not.toMatch(/Seq Scan on orders/);
  });
});
