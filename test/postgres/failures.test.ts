// When the database fails a write: a statement timeout, a connection killed
// in the middle of a transaction, an interrupted wait. Each is STATE_IO (or
// INTERRUPTED) with its cause, nothing is half-applied, and the same store
// works again once the database does.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCommand } from '../../src/core/commands.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import type { StoreOptions } from '../../src/store/store.js';
import { testDatabaseUrl, testStateUrl, uniqueSchema } from './server.js';

let admin: pg.Client;
const stores: PostgresStore[] = [];
const open = (url: string, options: StoreOptions = {}): PostgresStore => {
  const store = new PostgresStore(url, options);
  stores.push(store);
  return store;
};

beforeAll(async () => {
  admin = new pg.Client({ connectionString: await testDatabaseUrl() });
  await admin.connect();
});

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await admin.end();
});

const add = (orderId: number) => addCommand({ orderId, symbol: 'JPM', side: 'Buy', amount: 1, price: '1' });

async function liveOrders(url: string): Promise<number[]> {
  const store = open(url);
  return [...(await store.read()).orders()].map((order) => order.orderId);
}

describe('PostgreSQL failures', () => {
  it('a statement past the statement timeout is STATE_IO and changes nothing', async () => {
    const schema = uniqueSchema();
    const url = await testStateUrl(schema);
    await open(url).write((tx) => tx.execute(add(1)));
    const timed = new URL(url);
    timed.searchParams.set('options', '-c statement_timeout=300');
    const store = open(timed.toString());
    await admin.query('begin');
    await admin.query(`lock table ${schema}.orders in access exclusive mode`);
    const error = await store.write((tx) => tx.execute(add(2))).catch((caught: unknown) => caught);
    await admin.query('rollback');
    expect(error).toMatchObject({ code: 'STATE_IO', message: expect.stringContaining('statement timeout') });
    expect((error as Error).cause).toMatchObject({ code: '57014' });
    expect(await liveOrders(url)).toEqual([1]);
    await store.write((tx) => tx.execute(add(2)));
    expect(await liveOrders(url)).toEqual([1, 2]);
  });

  it('a connection killed in the middle of a write is STATE_IO; nothing of it is kept; the store reconnects', async () => {
    const url = await testStateUrl();
    const victim = uniqueSchema('victim');
    const store = open(url, { command: victim });
    await store.write((tx) => tx.execute(add(1)));
    const error = await store
      .write(async (tx) => {
        await tx.execute(add(2));
        await tx.execute(add(3));
        await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name like $1`, [`%${victim}`]);
        await new Promise((resolve) => setTimeout(resolve, 100));
      })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'STATE_IO' });
    expect((error as Error).cause).toBeDefined();
    expect(await liveOrders(url)).toEqual([1]);
    const retried = await store.write((tx) => tx.execute(add(2)));
    expect(retried.status).toBe('applied');
    expect(await liveOrders(url)).toEqual([1, 2]);
  });

  it('an interrupted wait for another writer is INTERRUPTED and writes nothing', async () => {
    const url = await testStateUrl();
    const holder = open(url);
    await holder.write((tx) => tx.execute(add(1)));
    const controller = new AbortController();
    const waiter = open(url, { signal: controller.signal, waitTimeoutMs: 30_000, onWait: () => setTimeout(() => controller.abort(), 50) });
    let release!: () => void;
    const holding = holder.write(async (tx) => {
      await tx.execute(add(2));
      await new Promise<void>((resolve) => (release = resolve));
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(waiter.write((tx) => tx.execute(add(3)))).rejects.toMatchObject({ code: 'INTERRUPTED' });
    release();
    await holding;
    expect(await liveOrders(url)).toEqual([1, 2]);
  });
});
