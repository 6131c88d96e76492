// A state an older oms wrote upgrades itself once, under the writer lock, on
// the first write of a newer one (or on `oms init`), and stays upgraded even
// when that write is rolled back; until then `status` still answers. Status
// lists symbols in the file store's order on either version, and an upgraded
// state notifies listeners of its commits.

import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addCommand } from '../../src/core/commands.js';
import { channelOf } from '../../src/store/postgres/commit-watch.js';
import { takeWriterLock } from '../../src/store/postgres/lock.js';
import { migrate, schemaVersion, SCHEMA_VERSION } from '../../src/store/postgres/migrations.js';
import { createStateRow } from '../../src/store/postgres/queries.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { testDatabaseUrl, testStateUrl, uniqueSchema } from './server.js';

let admin: pg.Client;
const opened: PostgresStore[] = [];

beforeAll(async () => {
  admin = new pg.Client({ connectionString: await testDatabaseUrl() });
  await admin.connect();
});

afterAll(async () => {
  await admin.end();
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

function open(url: string): PostgresStore {
  const store = new PostgresStore(url);
  opened.push(store);
  return store;
}

/** A state as the first oms left it: schema version 1, created, empty. */
async function versionOneState(schema: string): Promise<void> {
  await admin.query('begin');
  await takeWriterLock(admin, schema, { timeoutMs: 10_000, display: schema });
  await migrate(admin, schema, schema, 1);
  await createStateRow(admin, schema, 'document');
  await admin.query('commit');
}

const version = (schema: string): Promise<number> => schemaVersion(admin, schema, schema);
const add = (orderId: number, symbol: string) => addCommand({ orderId, symbol, side: 'Buy', amount: 1, price: '1' });
/** Symbols whose byte order differs from a linguistic collation's. */
const SYMBOLS = ['A_B', 'B', 'AB', 'A.C', 'A-Z', 'A1'];

describe('PostgreSQL schema upgrades', () => {
  it('the first write of a newer oms upgrades a version 1 state, and a rolled-back write keeps the upgrade', async () => {
    const schema = uniqueSchema();
    await versionOneState(schema);
    const store = open(await testStateUrl(schema));
    expect(await store.status()).toMatchObject({ exists: true, schema: 1, symbols: [] });
    await store.write((tx) => tx.execute(add(1, 'JPM')), { dryRun: true });
    expect(await version(schema)).toBe(SCHEMA_VERSION);
    const { rows } = await admin.query(`select indexname from pg_indexes where schemaname = $1 and indexname = 'orders_symbol'`, [schema]);
    expect(rows).toHaveLength(1);
    expect((await open(await testStateUrl(schema)).status()).schema).toBe(SCHEMA_VERSION);
    // The upgraded state tells listeners of its commits (commit-watch.ts).
    await admin.query(`listen "${channelOf(schema)}"`);
    const told = new Promise<string | undefined>((resolve) => admin.once('notification', (message) => resolve(message.payload)));
    await store.write((tx) => tx.execute(add(1, 'JPM')));
    expect(await told).toBe('1');
    await admin.query('unlisten *');
  });

  it('oms init on an existing older state upgrades it and changes nothing else', async () => {
    const schema = uniqueSchema();
    await versionOneState(schema);
    expect(await open(await testStateUrl(schema)).init('document')).toEqual({ created: false, convention: 'document' });
    expect(await version(schema)).toBe(SCHEMA_VERSION);
  });

  it('status lists every symbol ever ordered, in byte order, before and after the upgrade', async () => {
    const schema = uniqueSchema();
    await versionOneState(schema);
    // Orders written as a version 1 oms wrote them (no write of this oms, which would upgrade the schema).
    await admin.query(`insert into "${schema}".operations (seq, op_id, at, kind, command) select g, 'op-' || g, now(), 'add', '{}' from generate_series(1, $1::int) g`, [
      SYMBOLS.length,
    ]);
    await admin.query(
      `insert into "${schema}".orders (order_id, symbol, side, price, amount, added_amount, accepted_at, added_seq, queue_seq, ended_how, ended_at, ended_seq)
       select i, s, 'Buy', 1, 0, 1, now(), i, i, 'removed', now(), i from unnest($1::text[]) with ordinality as t(s, i)`,
      [SYMBOLS],
    );
    await admin.query(`update "${schema}".state set seq = $1, operations = $1`, [SYMBOLS.length]);
    const sorted = [...SYMBOLS].sort();
    expect((await open(await testStateUrl(schema)).status()).symbols).toEqual(sorted);
    const store = open(await testStateUrl(schema));
    await store.write((tx) => tx.execute(add(100, 'AB')), { dryRun: true });
    expect(await version(schema)).toBe(SCHEMA_VERSION);
    expect((await store.status()).symbols).toEqual(sorted);
  });
});
