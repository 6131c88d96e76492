// Operation ids and natural reruns (SPEC §2) across process restarts and
// across checkpoints: after the snapshot has been rewritten and the journal
// tail folded into the index, every old id still replays, conflicts and
// no-ops exactly as it did when it was fresh. Quotes survive restarts and
// execute at most once, also when two processes race for one.

import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { checksums, journalLines, runJson, seedState, snapshotJournalOffset, stemOf, tempDir, type SeedOrder } from './fixtures-store/support.js';

const temp = tempDir();
afterAll(() => temp.cleanup());
const state = temp.state;

// AAA: 300 orders for big quotes and trades; QQQ: a book nothing else touches, for quotes to execute.
const SEED: SeedOrder[] = [
  ...Array.from({ length: 300 }, (_, i): SeedOrder => ({ orderId: i + 1, symbol: 'AAA', side: i % 2 ? 'Sell' : 'Buy', amount: 10, price: String(10 + (i % 30)), source: null })),
  ...Array.from({ length: 20 }, (_, i): SeedOrder => ({ orderId: 501 + i, symbol: 'QQQ', side: 'Sell', amount: 5, price: String(50 + i), source: 'qqq' })),
];

async function ok(args: string[]): Promise<any> {
  const result = await runJson(state, args);
  expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return { ...result.json, stderr: result.stderr };
}

/** A rejection that must leave every file as it was. */
async function rejected(args: string[], code: string): Promise<any> {
  const before = checksums(state);
  const result = await runJson(state, args);
  expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(3);
  expect(result.json.error.code).toBe(code);
  expect(checksums(state)).toEqual(before);
  return result.json.error;
}

function indexCoveredOffset(): number {
  const fd = fs.openSync(`${stemOf(state)}.index`, 'r');
  const header = Buffer.alloc(64);
  fs.readSync(fd, header, 0, 64, 0);
  fs.closeSync(fd);
  return header.readDoubleLE(16);
}

function offsetOfOp(opId: string): number {
  const line = journalLines(state).find((l) => l.text.includes(`"op":${JSON.stringify(opId)}`));
  expect(line, opId).toBeDefined();
  return line!.offset;
}

/** Every rerun the first part set up, with what it must answer; run before and after checkpoints. */
async function reruns(): Promise<unknown[]> {
  const journal = checksums(state)['state.journal'];
  const answers = [
    await ok(['--op-id', 'A1', 'add', '5001', 'aaa', 'b', '7', '12.50', '--source', 'desk']),
    await ok(['add', '5001', 'AAA', 'buy', '7', '12.5', '--source', 'desk']),
    await ok(['--op-id', 'M1', 'modify', '9999', '--amount', '5']),
    await ok(['--op-id', 'T1', 'trade', 'AAA', 'buy', '15']),
    await ok(['--op-id', 'R1', 'remove', '5002']),
    await ok(['remove', '5002']),
    await ok(['remove', '5003']),
    await ok(['remove', '1']),
    await ok(['--op-id', 'Q1', 'quote', 'QQQ', 'sell', '12', '--ttl', '3600']),
  ];
  expect(answers.slice(0, 5).map((a) => a.replayed)).toEqual([true, true, true, true, true]);
  expect(answers[1]).toMatchObject({ opId: 'A1', replayed: true });
  expect(answers[5]).toMatchObject({ replayed: false, removed: false });
  expect(answers[5].stderr).toMatch(/order 5002 was removed at .* \(operation R1\)/);
  expect(answers[6].stderr).toMatch(/order 5003 was removed by a modify to amount 0/);
  expect(answers[7].stderr).toMatch(/order 1 was filled by trade 1/);
  expect(answers[8]).toMatchObject({ opId: 'Q1', replayed: true, quoteId: 1 });
  await rejected(['--op-id', 'A1', 'add', '5001', 'AAA', 'buy', '7', '12.5'], 'OP_ID_CONFLICT');
  await rejected(['--op-id', 'T1', 'trade', 'AAA', 'buy', '16'], 'OP_ID_CONFLICT');
  await rejected(['add', '5001', 'AAA', 'buy', '8', '12.5', '--source', 'desk'], 'DUPLICATE_ORDER_ID');
  await rejected(['add', '5002', 'AAA', 'buy', '2', '1'], 'DUPLICATE_ORDER_ID');
  await rejected(['remove', '424242'], 'ORDER_NOT_FOUND');
  expect(checksums(state)['state.journal'], 'a rerun wrote to the journal').toBe(journal);
  // Strip what differs between runs: notices (checked above) and the fresh op id a no-op gets.
  return answers.map(({ stderr: _stderr, opId, ...json }) => (json.replayed ? { opId, ...json } : json));
}

describe('operation ids across restarts and checkpoints', () => {
  it('replays, conflicts, rejected-then-retried and natural reruns stay the same after the journal is folded', async () => {
    await seedState(state, SEED);

    // First runs.
    const added = await ok(['--op-id', 'A1', 'add', '5001', 'AAA', 'buy', '7', '12.5', '--source', 'desk']);
    expect(added).toMatchObject({ opId: 'A1', replayed: false, order: { orderId: 5001, symbol: 'AAA', side: 'Buy', price: '12.5', source: 'desk' } });
    // Rejected, so not recorded: the same id works once the input is right.
    await rejected(['--op-id', 'M1', 'modify', '9999', '--amount', '5'], 'ORDER_NOT_FOUND');
    await rejected(['--op-id', 'T1', 'trade', 'AAA', 'buy', '1000000'], 'INSUFFICIENT_LIQUIDITY');
    await ok(['add', '9999', 'AAA', 'sell', '3', '99']);
    expect(await ok(['--op-id', 'M1', 'modify', '9999', '--amount', '5'])).toMatchObject({ opId: 'M1', replayed: false, order: { amount: 5 } });
    expect(await ok(['--op-id', 'T1', 'trade', 'AAA', 'buy', '15'])).toMatchObject({ opId: 'T1', replayed: false, trade: { tradeId: 1, filled: 15 } });
    await ok(['add', '5002', 'AAA', 'buy', '1', '1']);
    await ok(['add', '5003', 'AAA', 'buy', '1', '1']);
    expect(await ok(['--op-id', 'R1', 'remove', '5002'])).toMatchObject({ removed: true });
    expect(await ok(['modify', '5003', '--amount', '0'])).toMatchObject({ removed: true, order: null });
    expect(await ok(['--op-id', 'Q1', 'quote', 'QQQ', 'sell', '12', '--ttl', '3600'])).toMatchObject({ quoteId: 1, filled: 12, total: '819' });
    // Modify to the values it has: exit 0, nothing recorded.
    const journal = checksums(state)['state.journal'];
    const same = await ok(['modify', '9999', '--amount', '5', '--price', '99.000']);
    expect(same).toMatchObject({ replayed: false, order: { orderId: 9999, amount: 5, price: '99' } });
    expect(checksums(state)['state.journal']).toBe(journal);

    const fresh = await reruns();

    // Big quotes (150 fills each) until the snapshot has moved past all of the above twice.
    const early = Math.max(...['A1', 'M1', 'T1', 'R1', 'Q1'].map(offsetOfOp));
    let checkpoints = 0;
    let snapshotAt = snapshotJournalOffset(state);
    for (let i = 0; checkpoints < 2 && i < 60; i++) {
      await ok(['quote', 'AAA', 'sell', '1400']);
      if (snapshotJournalOffset(state) !== snapshotAt) {
        checkpoints++;
        snapshotAt = snapshotJournalOffset(state);
      }
    }
    expect(checkpoints).toBe(2);
    expect(snapshotJournalOffset(state)).toBeGreaterThan(early);
    expect(indexCoveredOffset()).toBeGreaterThan(early);
    const status = await ok(['status']);
    expect(status.pendingJournalBytes).toBeLessThan(64 * 1024);

    expect(await reruns()).toEqual(fresh);
  });

  it('a quote survives restarts and checkpoints, executes once, and rerunning it is a replay', async () => {
    const first = await ok(['trade', '--quote', '1']);
    expect(first).toMatchObject({ opId: 'quote:1', replayed: false, trade: { quoteId: 1, filled: 12, total: '819' } });
    const again = await ok(['trade', '--quote', '1']);
    expect(again).toMatchObject({ opId: 'quote:1', replayed: true, trade: { tradeId: first.trade.tradeId } });
    const error = await rejected(['--op-id', 'other', 'trade', '--quote', '1'], 'QUOTE_USED');
    expect(error.message).toContain(`trade ${first.trade.tradeId}`);
    await rejected(['trade', '--quote', '999'], 'QUOTE_NOT_FOUND');
  });

  it('two processes racing to execute one quote under different op ids: exactly one trades, the other gets QUOTE_USED', async () => {
    for (let round = 0; round < 4; round++) {
      const quote = await ok(['quote', 'QQQ', 'sell', '1', '--ttl', '600']);
      const racers = await Promise.all(['a', 'b'].map((who) => runJson(state, ['--op-id', `race-${round}-${who}`, 'trade', '--quote', String(quote.quoteId)])));
      const codes = racers.map((r) => r.exitCode).sort();
      expect(codes, racers.map((r) => r.stderr).join('\n')).toEqual([0, 3]);
      expect(racers.find((r) => r.exitCode === 3)!.json.error.code).toBe('QUOTE_USED');
    }
    const trades = await ok(['trades', '--symbol', 'QQQ', '--limit', '100']);
    expect(trades.trades).toHaveLength(1 + 4);
    expect(new Set(trades.trades.map((t: any) => t.quoteId)).size).toBe(5);
  });
});
