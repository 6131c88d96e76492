// Several processes on one state at once (SPEC §2): writers never lose an
// update, and readers (which take no lock) never fail with STATE_CORRUPT and
// never see half of an operation — not while writers commit, not while they
// checkpoint, not while an import's batch is being written.
//
// Time: budgets are counts of commands at the pace measured when the file
// starts. Writers and readers run side by side, several processes per core,
// so each command counts several times; a lock wait allows for every other
// writer's turn, many times over.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { measurePace } from '../pace.js';
import { runJson, seedState, tempDir, type SeedOrder } from './fixtures-store/support.js';

const pace = await measurePace();
/** Processes running at once (writers and readers) per core: what one command counts for. */
const CROWD = 3;
const WRITER_IDS = [0, 1, 2, 3];
const ADDS = 50;
const LOCK_TIMEOUT = String(pace.seconds(WRITER_IDS.length * 5));

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

interface ReaderLog {
  runs: number;
  failures: string[];
}

/** Runs `check` on reader commands in a loop until `done` resolves. */
async function readWhile(done: Promise<unknown>, read: () => Promise<string | undefined>): Promise<ReaderLog> {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  const log: ReaderLog = { runs: 0, failures: [] };
  while (!finished) {
    const failure = await read();
    log.runs++;
    if (failure) log.failures.push(failure);
  }
  return log;
}

describe('concurrent processes on one state', () => {
  it('4 writers × 50 adds at once (the first ones racing to create the state): exactly 200 orders, none lost; a reader never fails or goes back', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    const writers = Promise.all(
      WRITER_IDS.map(async (w) => {
        for (let i = 1; i <= ADDS; i++) {
          const id = w * 1000 + i;
          const result = await runJson(temp.state, ['--lock-timeout', LOCK_TIMEOUT, '--op-id', `w${id}`, 'add', String(id), `S${w}`, i % 2 ? 'buy' : 'sell', String(i), `${10 + (i % 5)}`]);
          expect(result.exitCode, result.stderr).toBe(0);
          expect(result.json.replayed).toBe(false);
        }
      }),
    );
    let lastCount = 0;
    const readers = await Promise.all([
      readWhile(writers, async () => {
        const result = await runJson(temp.state, ['orders']);
        if (result.exitCode !== 0) return `orders: exit ${result.exitCode} ${result.stderr}`;
        const count = result.json.orders.length as number;
        if (count < lastCount) return `orders went from ${lastCount} to ${count}`;
        lastCount = count;
        return undefined;
      }),
    ]);
    await writers;
    for (const log of readers) {
      expect(log.failures).toEqual([]);
      expect(log.runs).toBeGreaterThan(0);
    }
    const orders = await runJson(temp.state, ['orders']);
    const ids = (orders.json.orders as { orderId: number }[]).map((o) => o.orderId).sort((a, b) => a - b);
    const expected = WRITER_IDS.flatMap((w) => Array.from({ length: ADDS }, (_, i) => w * 1000 + i + 1));
    expect(ids).toEqual(expected);
    const status = await runJson(temp.state, ['status']);
    expect(status.json).toMatchObject({ seq: 200, operations: 200, liveOrders: 200 });
    const history = await runJson(temp.state, ['history', '--limit', '1000']);
    expect(new Set(history.json.operations.map((op: { opId: string }) => op.opId)).size).toBe(200);
  }, pace.commands(WRITER_IDS.length * ADDS * CROWD));

  it('readers see trades, imports and checkpoints whole or not at all', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    // TRD: 60 sells of 10 at distinct prices, so `trade TRD sell 30` empties exactly three orders.
    // BIG: 1000 sells of 1, so a quote across it is a ~40 KB journal line and checkpoints come often.
    const seed: SeedOrder[] = [
      ...Array.from({ length: 60 }, (_, i): SeedOrder => ({ orderId: i + 1, symbol: 'TRD', side: 'Sell', amount: 10, price: String(100 + i), source: null })),
      ...Array.from({ length: 1000 }, (_, i): SeedOrder => ({ orderId: 1001 + i, symbol: 'BIG', side: 'Sell', amount: 1, price: String(1 + (i % 50)), source: null })),
    ];
    await seedState(temp.state, seed);
    const csvs = Array.from({ length: 6 }, (_, k) => {
      const file = path.join(temp.dir, `group-${k}.csv`);
      const rows = Array.from({ length: 6 }, (_, r) => `${5000 + k * 10 + r},GRP,buy,1,${k + 1}`);
      fs.writeFileSync(file, `order_id,symbol,side,amount,price\n${rows.join('\n')}\n`);
      return file;
    });
    const inode = fs.statSync(temp.state).ino;
    let checkpointsSeen = 0;
    let lastInode = inode;

    const run = async (args: string[]): Promise<void> => {
      const result = await runJson(temp.state, ['--lock-timeout', LOCK_TIMEOUT, ...args]);
      expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    };
    const writers = Promise.all([
      (async () => {
        for (let i = 0; i < 10; i++) await run(['--op-id', `t${i}`, 'trade', 'TRD', 'sell', '30']);
      })(),
      (async () => {
        for (const csv of csvs) await run(['import', csv]);
      })(),
      (async () => {
        for (let i = 0; i < 8; i++) await run(['quote', 'BIG', 'sell', '900']);
      })(),
    ]);
    const readers = await Promise.all([
      readWhile(writers, async () => {
        const result = await runJson(temp.state, ['orders']);
        const now = fs.statSync(temp.state).ino;
        if (now !== lastInode) checkpointsSeen++;
        lastInode = now;
        if (result.exitCode !== 0) return `orders: exit ${result.exitCode} ${result.stderr}`;
        const orders = result.json.orders as { orderId: number; symbol: string; amount: number }[];
        const trd = orders.filter((o) => o.symbol === 'TRD');
        if (trd.length % 3 !== 0 || trd.some((o) => o.amount !== 10)) return `a trade is half applied: ${trd.length} TRD orders`;
        const groups = new Map<number, number>();
        for (const o of orders.filter((o) => o.symbol === 'GRP')) groups.set(Math.floor((o.orderId - 5000) / 10), (groups.get(Math.floor((o.orderId - 5000) / 10)) ?? 0) + 1);
        for (const [group, count] of groups) if (count !== 6) return `import ${group} is half applied: ${count} of 6 rows`;
        return undefined;
      }),
      readWhile(writers, async () => {
        const result = await runJson(temp.state, ['price', 'TRD', 'sell', '30', '--partial']);
        if (result.exitCode !== 0) return `price: exit ${result.exitCode} ${result.stderr}`;
        return result.json.filled % 10 === 0 ? undefined : `price saw part of a trade: ${JSON.stringify(result.json)}`;
      }),
      readWhile(writers, async () => {
        const result = await runJson(temp.state, ['status']);
        return result.exitCode === 0 ? undefined : `status: exit ${result.exitCode} ${result.stderr}`;
      }),
    ]);
    await writers;
    for (const log of readers) expect(log.failures).toEqual([]);
    expect(fs.statSync(temp.state).ino, 'no checkpoint happened while readers ran').not.toBe(inode);
    console.log(`readers: ${readers.map((log) => log.runs).join(' + ')} runs; snapshot replaced under them ${checkpointsSeen} times`);
    const final = await runJson(temp.state, ['orders']);
    const orders = final.json.orders as { symbol: string }[];
    expect(orders.filter((o) => o.symbol === 'TRD')).toHaveLength(30);
    expect(orders.filter((o) => o.symbol === 'GRP')).toHaveLength(36);
  }, pace.commands((10 + 6 + 8) * CROWD * 2));
});
