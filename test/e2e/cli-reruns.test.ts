// Reruns through the binary (SPEC §2): the same operation id replays, a
// different one under the same id conflicts, a rejected one can be retried
// under its id, and natural reruns (re-add, remove of a gone order, modify to
// the same values) change nothing: what lets a script simply run again.

import { describe, expect, it } from 'vitest';
import { ok, oms, omsJson, stateFiles, useTempStates } from './helpers.js';

const { documentState } = useTempStates();

describe.concurrent('operation ids', () => {
  it('same id and parameters: the original result again, replayed, exit 0, nothing written', async () => {
    const { state } = documentState();
    const runs: [string, string[]][] = [
      ['job-add', ['add', '5', 'jpm', 'b', '3', '19.50']],
      ['job-modify', ['modify', '4', '--amount', '9']],
      ['job-quote', ['quote', 'JPM', 'buy', '5', '--client', 'acme']],
      ['job-trade', ['trade', 'JPM', 'buy', '5', '--client', 'acme']],
      ['job-remove', ['remove', '2']],
    ];
    const first: any[] = [];
    for (const [opId, args] of runs) first.push(await ok(state, ['--op-id', opId, ...args]));
    expect(first.map((result) => [result.opId, result.replayed])).toEqual(runs.map(([opId]) => [opId, false]));

    const before = stateFiles(state);
    for (const [i, [opId, args]] of runs.entries()) {
      const { result, json } = await omsJson(['--op-id', opId, ...args], { state });
      expect(result.exitCode).toBe(0);
      expect(json).toEqual({ ...first[i], replayed: true });
      expect(result.stderr).toMatch(new RegExp(`${opId}.*already applied`));
    }
    // Same parameters compare canonically: case, side spelling, trailing zeros.
    expect(await ok(state, ['--op-id', 'job-add', 'add', '5', 'JPM', 'Buy', '3', '19.5'])).toMatchObject({ replayed: true, order: { price: '19.5' } });
    const replayText = await oms(['--op-id', 'job-trade', 'trade', 'JPM', 'buy', '5', '--client', 'acme'], { state });
    expect(replayText.exitCode).toBe(0);
    expect(replayText.stdout).toContain(`Trade ${first[3].trade.tradeId} for "acme"`);
    expect(stateFiles(state)).toEqual(before);
    expect((await ok(state, ['trades'])).trades).toHaveLength(1);
  });

  it('same id, different parameters: OP_ID_CONFLICT, exit 3; a rejected operation can be fixed and retried under its id', async () => {
    const { state } = documentState();
    await ok(state, ['--op-id', 'nightly-1', 'trade', 'JPM', 'buy', '5']);
    const before = stateFiles(state);
    const conflict = await omsJson(['--op-id', 'nightly-1', 'trade', 'JPM', 'buy', '6'], { state });
    expect(conflict.result.exitCode).toBe(3);
    expect(conflict.json.error).toMatchObject({ code: 'OP_ID_CONFLICT' });
    const otherCommand = await omsJson(['--op-id', 'nightly-1', 'remove', '1'], { state });
    expect(otherCommand.result.exitCode).toBe(3);
    expect(otherCommand.json.error.code).toBe('OP_ID_CONFLICT');
    expect(stateFiles(state)).toEqual(before);

    // Rejected by the order manager, then retried with what the book can do.
    const tooMuch = await omsJson(['--op-id', 'nightly-2', 'trade', 'JPM', 'buy', '100'], { state });
    expect(tooMuch.result.exitCode).toBe(3);
    expect(tooMuch.json.error.code).toBe('INSUFFICIENT_LIQUIDITY');
    expect(await ok(state, ['--op-id', 'nightly-2', 'trade', 'JPM', 'buy', '10'])).toMatchObject({ opId: 'nightly-2', replayed: false, trade: { filled: 10 } });

    // Rejected as bad input, then fixed.
    const badPrice = await omsJson(['--op-id', 'load-7', 'add', '7', 'JPM', 'sell', '1', '1e3'], { state });
    expect(badPrice.result.exitCode).toBe(2);
    expect(await ok(state, ['--op-id', 'load-7', 'add', '7', 'JPM', 'sell', '1', '1000'])).toMatchObject({ opId: 'load-7', replayed: false });
    // A duplicate id rejected, then retried under the same op id with a fresh order id.
    const duplicate = await omsJson(['--op-id', 'load-8', 'add', '7', 'JPM', 'sell', '2', '1000'], { state });
    expect(duplicate.json.error.code).toBe('DUPLICATE_ORDER_ID');
    expect(await ok(state, ['--op-id', 'load-8', 'add', '8', 'JPM', 'sell', '2', '1000'])).toMatchObject({ opId: 'load-8', replayed: false });
  });

  it('trades are not naturally idempotent; a quote trades at most once and its rerun is a replay', async () => {
    const { state } = documentState();
    const a = await ok(state, ['trade', 'JPM', 'buy', '1']);
    const b = await ok(state, ['trade', 'JPM', 'buy', '1']);
    expect(b.trade.tradeId).toBe(a.trade.tradeId + 1);
    expect(a.opId).not.toBe(b.opId);

    const quote = await ok(state, ['quote', 'JPM', 'buy', '2']);
    const traded = await ok(state, ['trade', '--quote', String(quote.quoteId)]);
    const before = stateFiles(state);
    const again = await ok(state, ['trade', '--quote', String(quote.quoteId)]);
    expect(again).toEqual({ ...traded, replayed: true });
    expect(stateFiles(state)).toEqual(before);
  });
});

describe.concurrent('natural reruns', () => {
  it('re-add identical is a replay (even once the order is gone); re-add different is DUPLICATE_ORDER_ID', async () => {
    const { state } = documentState();
    const first = await ok(state, ['add', '5', 'JPM', 'sell', '3', '30', '--source', 'desk-a']);
    await ok(state, ['remove', '3']);
    const before = stateFiles(state);

    const again = await omsJson(['add', '5', 'jpm', 's', '3', '30.0', '--source', 'desk-a'], { state });
    expect(again.result.exitCode).toBe(0);
    expect(again.json).toEqual({ ...first, replayed: true });
    expect(again.result.stderr).toMatch(/order 5 was already added/);
    const gone = await ok(state, ['add', '3', 'AMZN', 'Sell', '7', '10']);
    expect(gone.replayed).toBe(true);
    expect((await ok(state, ['book', 'AMZN'])).sell, 'a replay does not bring the order back').toEqual([]);
    const text = await oms(['add', '1', 'JPM', 'Buy', '20', '20'], { state });
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/^Already added order 1: JPM Buy 20 @ 20/);
    expect(stateFiles(state)).toEqual(before);

    for (const different of [
      ['add', '5', 'JPM', 'sell', '3', '30'],
      ['add', '5', 'JPM', 'sell', '3', '30', '--source', 'desk-b'],
      ['add', '5', 'JPM', 'sell', '4', '30', '--source', 'desk-a'],
      ['add', '5', 'JPM', 'buy', '3', '30', '--source', 'desk-a'],
      ['add', '3', 'AMZN', 'Sell', '7', '10.5'],
    ]) {
      const { result, json } = await omsJson(different, { state });
      expect(result.exitCode, different.join(' ')).toBe(3);
      expect(json.error).toMatchObject({ code: 'DUPLICATE_ORDER_ID', field: 'orderId' });
    }
    expect(stateFiles(state)).toEqual(before);
  });

  it('remove of a gone order: exit 0, removed false, a notice naming how it went; never existed: ORDER_NOT_FOUND', async () => {
    const { state } = documentState();
    await ok(state, ['remove', '3']);
    const trade = await ok(state, ['trade', 'GOOG', 'sell', '12']);
    await ok(state, ['modify', '4', '--amount', '0']);
    const before = stateFiles(state);

    const removed = await omsJson(['remove', '3'], { state });
    expect(removed.result.exitCode).toBe(0);
    expect(removed.json).toMatchObject({ replayed: false, removed: false });
    expect(removed.result.stderr).toMatch(/order 3 was removed/);
    const filled = await oms(['remove', '2'], { state });
    expect(filled.exitCode).toBe(0);
    expect(filled.stdout).toMatch(/Order 2 was already gone; nothing removed/);
    expect(filled.stderr).toMatch(new RegExp(`order 2 was filled by trade ${trade.trade.tradeId}`));
    const zeroed = await omsJson(['remove', '4'], { state });
    expect(zeroed.result.exitCode).toBe(0);
    expect(zeroed.json.removed).toBe(false);
    expect(zeroed.result.stderr).toMatch(/order 4 was removed/);
    const quiet = await oms(['--quiet', 'remove', '3'], { state });
    expect(quiet.exitCode).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(stateFiles(state)).toEqual(before);

    const never = await omsJson(['remove', '77'], { state });
    expect(never.result.exitCode).toBe(3);
    expect(never.json.error).toMatchObject({ code: 'ORDER_NOT_FOUND', field: 'orderId', value: '77' });
  });

  it('modify to the values it already has changes nothing', async () => {
    const { state } = documentState();
    await ok(state, ['add', '5', 'JPM', 'buy', '5', '20']);
    const before = stateFiles(state);
    const same = await omsJson(['modify', '1', '--amount', '20', '--price', '20.000'], { state });
    expect(same.result.exitCode).toBe(0);
    expect(same.json).toMatchObject({ removed: false, order: { orderId: 1, amount: 20, price: '20' } });
    expect(same.result.stderr).toMatch(/already has amount 20 and price 20/);
    const text = await oms(['modify', '1', '--price', '20'], { state });
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/^Unchanged order 1: JPM Buy 20 @ 20/);
    expect(stateFiles(state)).toEqual(before);
    // Order 1 kept its place ahead of order 5.
    expect((await ok(state, ['book', 'JPM', '--orders'])).buy[0].orders.map((o: any) => o.orderId)).toEqual([1, 5]);
  });
});
