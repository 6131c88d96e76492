// Crashes around a PostgreSQL state: a CLI writer killed with SIGKILL in the
// middle of its transaction leaves nothing of it and no lock behind; the
// database restarted under a running `oms serve` loses no acknowledged
// operation, doubles none, answers 503 + Retry-After while it is down, and
// the server recovers by itself. This file runs its own server (it restarts it).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgain, startCluster, stopCluster } from '../../scripts/postgres-cluster.js';
import { oms, OMS, ROOT } from '../e2e/helpers.js';
import { call, startServer, stopServer, type RunningServer } from '../serve/helpers.js';
import { uniqueSchema } from './server.js';

let root: string;
let clusterDir: string;
let base: string;
let admin: pg.Client;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-pg-recovery-'));
  fs.chmodSync(root, 0o711);
  clusterDir = path.join(root, 'cluster');
  // Durable like a production server: the test is that acknowledged means kept.
  base = (await startCluster(clusterDir, { durable: true })).url;
  admin = new pg.Client({ connectionString: base });
  admin.on('error', () => undefined);
  await admin.connect();
});

afterAll(async () => {
  await admin?.end().catch(() => undefined);
  await stopCluster(clusterDir);
  fs.rmSync(root, { recursive: true, force: true });
});

const stateUrl = (schema: string): string => `${base}?schema=${schema}`;

async function operations(schema: string): Promise<string[]> {
  const { rows } = await admin.query<{ op_id: string }>(`select op_id from ${schema}.operations order by seq`);
  return rows.map((row) => row.op_id);
}

describe('PostgreSQL crash recovery', () => {
  it('a writer killed mid-transaction leaves nothing and no lock', async () => {
    const schema = uniqueSchema();
    const state = stateUrl(schema);
    expect((await oms(['add', '1', 'JPM', 'Buy', '1', '1'], { state })).exitCode).toBe(0);
    const csv = path.join(root, 'big.csv');
    const lines = ['order_id,symbol,side,amount,price'];
    for (let i = 0; i < 20_000; i++) lines.push(`${i + 10},JPM,Buy,1,${1 + (i % 50)}`);
    fs.writeFileSync(csv, `${lines.join('\n')}\n`);
    const importer = execa(process.execPath, [OMS, '--state', state, 'import', csv], { cwd: ROOT, reject: false });
    // Inside its transaction once its connection holds the writer lock.
    for (let tries = 0; ; tries++) {
      const { rows } = await admin.query(
        `select 1 from pg_locks l join pg_stat_activity a using (pid) where l.locktype = 'advisory' and l.granted and a.application_name like $1`,
        [`oms ${importer.pid}@%`],
      );
      if (rows.length > 0) break;
      if (tries > 600) throw new Error('the import never took the lock');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    importer.kill('SIGKILL');
    expect((await importer).signal).toBe('SIGKILL');
    const next = await oms(['--json', '--lock-timeout', '5', 'add', '2', 'JPM', 'Buy', '1', '1'], { state });
    expect(next.exitCode, String(next.stderr)).toBe(0);
    expect((await operations(schema)).length).toBe(2);
    expect((await oms(['--json', 'doctor'], { state })).exitCode).toBe(0);
  });

  it('the database restarted under oms serve: every acknowledged operation once, 503 while down, recovery without a restart', async () => {
    const schema = uniqueSchema();
    const state = stateUrl(schema);
    let server: RunningServer | undefined;
    try {
      server = await startServer(state);
      const acknowledged = new Set<string>();
      const unavailable: Array<string | null> = [];
      /** A client that retries with the same key until the order is acknowledged. */
      const submit = async (orderId: number): Promise<void> => {
        const key = `order-${orderId}`;
        for (let attempt = 0; attempt < 200; attempt++) {
          const reply = await call(server!, 'POST', '/orders', { key, body: { orderId, symbol: 'JPM', side: 'buy', amount: 1, price: '10' } }).catch(() => undefined);
          if (reply && (reply.status === 201 || reply.status === 200)) {
            acknowledged.add(key);
            return;
          }
          if (reply?.status === 503) unavailable.push(reply.headers.get('retry-after'));
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error(`order ${orderId} was never acknowledged`);
      };
      for (let i = 1; i <= 10; i++) await submit(i);
      await stopCluster(clusterDir);
      const during = Promise.all([11, 12, 13, 14, 15].map(submit));
      // Requests meet the database down before it comes back.
      while (unavailable.length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
      await startAgain(clusterDir);
      await during;
      for (let i = 16; i <= 20; i++) await submit(i);
      expect(acknowledged.size).toBe(20);
      expect(unavailable.every((retryAfter) => retryAfter !== null)).toBe(true);
      await admin.end().catch(() => undefined);
      admin = new pg.Client({ connectionString: base });
      admin.on('error', () => undefined);
      await admin.connect();
      const ops = await operations(schema);
      expect(ops.sort()).toEqual([...acknowledged].sort());
      const orders = await call(server, 'GET', '/orders');
      expect(orders.status).toBe(200);
      expect(orders.json.orders).toHaveLength(20);
    } finally {
      await stopServer(server);
    }
  });
});
