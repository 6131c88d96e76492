// Several CLI processes on one PostgreSQL state at once: 4 workers each run
// 50 commands (adds and trades on one symbol), 4 processes at any moment.
// Nothing may be lost or doubled, no order overfilled, and the tables must
// equal a serial replay of `operations` (oms doctor).

import { describe, expect, it } from 'vitest';
import { oms } from '../e2e/helpers.js';
import { measurePace } from '../pace.js';
import { testStateUrl } from './server.js';

// Budgets are counts of commands at the pace measured when the file starts.
const pace = await measurePace();

const WORKERS = 4;
const COMMANDS = 50;

interface Fill {
  orderId: number;
  amount: number;
}

describe('concurrent CLI writers on PostgreSQL', () => {
  it('lose nothing, double nothing and never overfill', async () => {
    const state = await testStateUrl();
    const init = await oms(['init'], { state });
    expect(init.exitCode, String(init.stderr)).toBe(0);
    const added = new Map<number, number>();
    const fills: Fill[] = [];
    let traded = 0;
    const worker = async (w: number): Promise<void> => {
      for (let i = 0; i < COMMANDS; i++) {
        const even = i % 2 === 0;
        const orderId = (w + 1) * 1000 + i;
        const amount = 5 + ((w + i) % 7);
        const args = even
          ? ['add', String(orderId), 'XYZ', 'Sell', String(amount), String(10 + ((w * 7 + i) % 5))]
          : ['--op-id', `w${w}-t${i}`, 'trade', 'XYZ', 'Sell', String(8 + (i % 5)), '--partial'];
        const result = await oms(['--json', '--lock-timeout', String(pace.seconds(WORKERS * 5)), ...args], { state, timeout: pace.commands(WORKERS * 5) });
        expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(0);
        const json = JSON.parse(String(result.stdout));
        if (even) added.set(orderId, amount);
        else {
          traded++;
          for (const fill of json.trade.fills as Fill[]) fills.push(fill);
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));

    const history = JSON.parse(String((await oms(['--json', 'history', '--limit', '1000'], { state })).stdout)).operations;
    expect(history).toHaveLength(WORKERS * COMMANDS);
    expect(new Set(history.map((operation: { opId: string }) => operation.opId)).size).toBe(WORKERS * COMMANDS);
    const filledPerOrder = new Map<number, number>();
    for (const fill of fills) filledPerOrder.set(fill.orderId, (filledPerOrder.get(fill.orderId) ?? 0) + fill.amount);
    const live = JSON.parse(String((await oms(['--json', 'orders'], { state })).stdout)).orders as Array<{ orderId: number; amount: number }>;
    const liveAmount = new Map(live.map((order) => [order.orderId, order.amount]));
    for (const [orderId, amount] of added) {
      const filled = filledPerOrder.get(orderId) ?? 0;
      expect(filled, `order ${orderId}`).toBeLessThanOrEqual(amount);
      expect(liveAmount.get(orderId) ?? 0, `order ${orderId}`).toBe(amount - filled);
    }
    expect(traded).toBe((WORKERS * COMMANDS) / 2);
    const doctor = await oms(['--json', 'doctor'], { state });
    expect(doctor.exitCode, String(doctor.stdout)).toBe(0);
  }, pace.commands(WORKERS * COMMANDS + 10));
});
