// LISTEN/NOTIFY between PostgreSQL stores (store/commit-watch.ts): a store
// that watches commits is told of another store's commit by the database
// itself, with no polling anywhere; not of its own; again after the database
// restarted under it; and its listening connection goes with close(). The
// channel fits any schema name the location accepts. This file runs its own
// server (it restarts it).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addCommand } from '../../src/core/commands.js';
import { channelOf } from '../../src/store/postgres/commit-watch.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { startAgain, startCluster, stopCluster } from '../../scripts/postgres-cluster.js';
import { uniqueSchema } from './server.js';

let root: string;
let clusterDir: string;
let base: string;
const opened: PostgresStore[] = [];

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-pg-watch-'));
  fs.chmodSync(root, 0o711);
  clusterDir = path.join(root, 'cluster');
  base = (await startCluster(clusterDir)).url;
});

afterAll(async () => {
  await stopCluster(clusterDir);
  fs.rmSync(root, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

function open(schema: string, longLived = false): PostgresStore {
  const store = new PostgresStore(`${base}?schema=${schema}`, { longLived, command: 'serve' });
  opened.push(store);
  return store;
}

let orderId = 0;
const add = (store: PostgresStore) => store.write((tx) => tx.execute(addCommand({ orderId: ++orderId, symbol: 'JPM', side: 'Buy', amount: 1, price: '10' })));

/** Counts a watcher's calls; `next()` resolves at the call after those counted so far. */
function watcher() {
  const calls = { count: 0, waiting: [] as Array<{ after: number; resolve: () => void }> };
  const listener = (): void => {
    calls.count++;
    for (const wait of calls.waiting.filter((w) => calls.count > w.after)) {
      calls.waiting.splice(calls.waiting.indexOf(wait), 1);
      wait.resolve();
    }
  };
  const next = (): Promise<void> => new Promise((resolve) => calls.waiting.push({ after: calls.count, resolve }));
  return { calls, listener, next };
}

/** Waits until `check` holds; a failure guard, not a measure. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; !(await check()); tries++) {
    if (tries > 600) throw new Error(`never: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Backends listening on the schema's channel (their last statement was the LISTEN, and they sit idle), named as such. */
async function listeners(schema: string): Promise<number> {
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    const { rows } = await admin.query(`select count(*)::int as n from pg_stat_activity where state = 'idle' and query = $1 and application_name like 'oms %listening: %'`, [`listen "${channelOf(schema)}"`]);
    return rows[0].n;
  } finally {
    await admin.end();
  }
}

/** A state with one operation, a server store on it that has read it and listens, and another store. */
async function listening(schema: string) {
  const other = open(schema);
  await add(other);
  const server = open(schema, true);
  await server.read();
  const watch = watcher();
  server.watchCommits(watch.listener);
  await until('the store listens', async () => (await listeners(schema)) === 1);
  return { other, server, ...watch };
}

describe('PostgreSQL commit watch', () => {
  it('is told of another store’s commit by the database, not of its own, and stops listening on close', async () => {
    const schema = uniqueSchema();
    const { other, server, calls, next } = await listening(schema);

    const told = next();
    await add(other);
    await told;
    expect(calls.count).toBe(1);

    // Its own commit is in its memory already. Notifications arrive in commit
    // order, so had it been announced, it would be counted before the next one.
    await server.read();
    await add(server);
    const toldAgain = next();
    await add(other);
    await toldAgain;
    expect(calls.count).toBe(2);

    await server.close();
    await until('the listening connection is closed', async () => (await listeners(schema)) === 0);
  });

  it('listens again by itself after the database restarts, and is told again', async () => {
    const schema = uniqueSchema();
    const { other, next } = await listening(schema);

    await stopCluster(clusterDir);
    // Back, it says so at once: what was committed while it was away is unknown.
    const resumed = next();
    await startAgain(clusterDir);
    await resumed;
    await until('the store listens again', async () => (await listeners(schema)) === 1);

    const told = next();
    await add(other);
    await told;
  });

  it('uses a channel PostgreSQL accepts for any schema name, distinct per schema', async () => {
    const long = 'a'.repeat(63);
    const alike = `${'a'.repeat(62)}b`;
    for (const schema of [long, alike, 'a'.repeat(59), 'oms']) expect(Buffer.byteLength(channelOf(schema))).toBeLessThanOrEqual(63);
    expect(new Set([long, alike, 'a'.repeat(59), 'a'.repeat(60)].map(channelOf)).size).toBe(4);

    const { other, next } = await listening(long);
    const told = next();
    await add(other);
    await told;
  });
});
