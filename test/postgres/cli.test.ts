// The built CLI on a PostgreSQL state: the same commands and the same --json
// answers as on a file state (times and generated op ids aside), replays,
// import, doctor, copy both ways, the password never shown, and an
// unreachable database as exit 4.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { oms, ROOT, tempState, type TempState } from '../e2e/helpers.js';
import { measurePace } from '../pace.js';
import { testStateUrl, uniqueSchema } from './server.js';

// Budgets are counts of commands at the pace measured when the file starts.
const pace = await measurePace();

const temps: TempState[] = [];
afterAll(() => {
  for (const temp of temps) temp.cleanup();
});

function fileState(): string {
  const temp = tempState();
  temps.push(temp);
  return temp.state;
}

/** A URL with a password (the test server trusts every login, so any password works). */
async function pgState(): Promise<string> {
  const url = new URL(await testStateUrl());
  url.password = 'hunter2';
  return url.toString();
}

async function json(state: string, args: string[], exitCode = 0): Promise<any> {
  const result = await oms(['--json', ...args], { state });
  expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(exitCode);
  expect(`${result.stdout}${result.stderr}`).not.toContain('hunter2');
  return JSON.parse(String(result.stdout));
}

/** Times and generated op ids differ between two runs; everything else must not. */
function comparable(value: unknown): unknown {
  const text = JSON.stringify(value).replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>');
  return JSON.parse(text, (key, inner) => {
    if (['acceptedAt', 'executedAt', 'expiresAt', 'at', 'endedAt', 'createdAt'].includes(key)) return '<time>';
    if (key === 'opId' && typeof inner === 'string' && inner.startsWith('op-')) return '<generated>';
    return inner;
  });
}

const SCRIPT: string[][] = [
  ['add', '1', 'JPM', 'Buy', '20', '20'],
  ['add', '2', 'GOOG', 'Sell', '12', '25', '--source', 'desk A'],
  ['add', '3', 'AMZN', 'Sell', '7', '10'],
  ['add', '4', 'JPM', 'Buy', '10', '21'],
  ['price', 'JPM', 'Buy', '22'],
  ['add', '1', 'JPM', 'Buy', '20', '20'],
  ['--op-id', 'm1', 'modify', '4', '--amount', '12'],
  ['--op-id', 'm1', 'modify', '4', '--amount', '12'],
  ['--op-id', 'm1', 'modify', '4', '--amount', '13'],
  ['quote', 'JPM', 'Buy', '5', '--client', 'c1'],
  ['trade', '--quote', '1'],
  ['trade', '--quote', '1'],
  ['--op-id', 't1', 'trade', 'JPM', 'Buy', '30', '--partial'],
  ['--op-id', 't1', 'trade', 'JPM', 'Buy', '30', '--partial'],
  ['trade', 'GOOG', 'Sell', '50'],
  ['remove', '3'],
  ['remove', '3'],
  ['remove', '99'],
  ['order', '1'],
  ['order', '3'],
  ['book', 'JPM', '--orders'],
  ['orders'],
  ['orders', '--limit', '1', '--offset', '1'],
  ['trades'],
  ['quotes'],
  ['quotes', '1'],
  ['quotes', '7'],
  ['history', '--limit', '50'],
];

describe('the CLI on PostgreSQL', () => {
  it('answers a script exactly as the file store does', async () => {
    const file = fileState();
    const pg = await pgState();
    expect((await json(pg, ['init'])).state).toContain(':***@');
    for (const args of SCRIPT) {
      const [onFile, onPg] = await Promise.all([oms(['--json', ...args], { state: file }), oms(['--json', ...args], { state: pg })]);
      expect(onPg.exitCode, `${args.join(' ')}: ${onPg.stderr}`).toBe(onFile.exitCode);
      const [a, b] = [JSON.parse(String(onFile.stdout)), JSON.parse(String(onPg.stdout))];
      if (args[0] === 'history') {
        // Sequence numbers are per operation on both here (no atomic batch); compare all of it.
        expect(comparable(b)).toEqual(comparable(a));
      } else {
        expect(comparable(b), args.join(' ')).toEqual(comparable(a));
      }
      expect(String(onPg.stderr)).not.toContain('hunter2');
    }
    const status = await json(pg, ['status']);
    expect(status.location).toContain(':***@');
    expect(status).toMatchObject({ exists: true, liveOrders: 1, symbols: ['AMZN', 'GOOG', 'JPM'] });
    const text = await oms(['status'], { state: pg });
    expect(String(text.stdout)).toContain('***');
    expect(String(text.stdout)).not.toContain('hunter2');
    const doctor = await json(pg, ['doctor']);
    expect(doctor.healthy).toBe(true);
  }, pace.commands(SCRIPT.length * 2 + 10));

  it('takes the location from $OMS_STATE, imports a CSV once, and a re-import replays', async () => {
    const pg = await pgState();
    const csv = path.join(ROOT, 'fixtures/document-orders.csv');
    const first = await oms(['--json', 'import', csv], { env: { OMS_STATE: pg } });
    expect(first.exitCode, String(first.stderr)).toBe(0);
    const again = await oms(['--json', 'import', csv], { env: { OMS_STATE: pg } });
    expect(again.exitCode, String(again.stderr)).toBe(0);
    expect(JSON.parse(String(again.stdout))).toMatchObject({ applied: 0 });
    const orders = await json(pg, ['orders']);
    expect(orders.orders.map((order: { orderId: number }) => order.orderId).sort()).toEqual([1, 2, 3, 4]);
  });

  it('copies file → PostgreSQL → file with history and op ids; replays answer the same; a non-empty target is refused', async () => {
    const file = fileState();
    for (const args of SCRIPT.slice(0, 17)) await oms(['--json', ...args], { state: file });
    const pg = await pgState();
    const up = await oms(['--json', 'copy', file, pg]);
    expect(up.exitCode, String(up.stderr)).toBe(0);
    const back = fileState();
    const down = await oms(['--json', 'copy', pg, back]);
    expect(down.exitCode, String(down.stderr)).toBe(0);
    expect(String(up.stdout) + String(down.stdout)).not.toContain('hunter2');
    const histories = await Promise.all([file, pg, back].map((state) => json(state, ['history', '--limit', '100'])));
    const strip = (history: { operations: Array<Record<string, unknown>> }) => history.operations.map(({ seq: _seq, ...rest }) => rest);
    expect(strip(histories[1])).toEqual(strip(histories[0]));
    expect(strip(histories[2])).toEqual(strip(histories[0]));
    for (const state of [pg, back]) {
      expect(await json(state, ['--op-id', 't1', 'trade', 'JPM', 'Buy', '30', '--partial'])).toMatchObject({ replayed: true });
      expect(await json(state, ['--op-id', 'm1', 'modify', '4', '--amount', '13'], 3)).toMatchObject({ error: { code: 'OP_ID_CONFLICT' } });
      expect(await json(state, ['trade', '--quote', '1'])).toMatchObject({ replayed: true });
    }
    const refused = await oms(['--json', 'copy', file, pg]);
    expect(refused.exitCode).toBe(2);
    expect(JSON.parse(String(refused.stdout)).error.message).toContain('copy only into an empty state');
    expect(fs.existsSync(back)).toBe(true);
  });

  // The throwaway server listens on a socket in its folder (scripts/postgres-cluster.js); a given one's is unknown.
  it.skipIf(process.env.OMS_TEST_DATABASE_URL)('reaches a database on the same machine through its Unix socket, in either URL form', async () => {
    const tcp = new URL(await testStateUrl(uniqueSchema()));
    const socketDir = path.join(inject('omsPostgresDir'), 'cluster');
    expect(fs.existsSync(path.join(socketDir, `.s.PGSQL.${tcp.port}`))).toBe(true);
    const schema = tcp.searchParams.get('schema');
    const encodedHost = `postgres://oms@${encodeURIComponent(socketDir)}:${tcp.port}/postgres?schema=${schema}`;
    const hostParameter = `postgres:///postgres?host=${encodeURIComponent(socketDir)}&port=${tcp.port}&user=oms&schema=${schema}`;
    expect(await json(encodedHost, ['add', '1', 'JPM', 'Buy', '20', '20'])).toMatchObject({ order: { orderId: 1 } });
    expect(await json(hostParameter, ['add', '2', 'JPM', 'Sell', '5', '21'])).toMatchObject({ order: { orderId: 2 } });
    const { orders } = await json(tcp.toString(), ['orders']);
    expect(orders.map((order: { orderId: number }) => order.orderId)).toEqual([1, 2]);
  });

  it('an unreachable database is STATE_IO, exit 4, without the password', async () => {
    const result = await oms(['--json', 'add', '1', 'JPM', 'Buy', '1', '1'], { state: 'postgres://oms:hunter2@127.0.0.1:1/x' });
    expect(result.exitCode).toBe(4);
    expect(JSON.parse(String(result.stdout)).error.code).toBe('STATE_IO');
    expect(`${result.stdout}${result.stderr}`).not.toContain('hunter2');
  });
});
