// `oms add` rerun for an order that has since been filled or removed: still a
// replay (exit 0, JSON unchanged), and the text says it is no longer in the
// book and how it went (issue 17).

import { describe, expect, it } from 'vitest';
import { ok, oms, useTempStates } from './helpers.js';

const states = useTempStates();

describe('re-adding an order that left the book', () => {
  it('says it was filled, and by which trade', async () => {
    const { state } = states.documentState();
    await ok(state, ['trade', 'AMZN', 'sell', '7']);
    const text = await oms(['add', '3', 'AMZN', 'sell', '7', '10'], { state });
    expect(text.exitCode).toBe(0);
    const lines = String(text.stdout).split('\n');
    expect(lines[0]).toMatch(/^Already added order 3: AMZN Sell 7 @ 10 /);
    expect(lines[1]).toMatch(/^No longer in the book: order 3 was filled by trade 1 at \d{4}-/);
    const json = await ok(state, ['add', '3', 'AMZN', 'sell', '7', '10']);
    expect(Object.keys(json)).toEqual(['opId', 'replayed', 'order']);
    expect(json.replayed).toBe(true);
  });

  it('says it was removed; a live order gets no such line', async () => {
    const { state } = states.documentState();
    await ok(state, ['remove', '2']);
    const gone = await oms(['add', '2', 'GOOG', 'sell', '12', '25'], { state });
    expect(gone.exitCode).toBe(0);
    expect(String(gone.stdout)).toMatch(/\nNo longer in the book: order 2 was removed at /);
    const live = await oms(['add', '1', 'JPM', 'buy', '20', '20'], { state });
    expect(String(live.stdout).trim().split('\n')).toHaveLength(1);
  });
});
