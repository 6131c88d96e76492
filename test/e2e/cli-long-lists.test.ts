// Long lists in text (issue 17): `oms orders` on tens of thousands of live
// orders prints every row, well formed, as it goes, and a SIGINT or SIGTERM in
// the middle of the printing stops it with 130 / 143 instead of finishing.

import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCommand } from '../../src/core/commands.js';
import { openStore } from '../../src/store/open.js';
import { OMS, PACE, ROOT, oms, tempState, type TempState } from './helpers.js';

const COUNT = 20_000;
/**
 * Hang guard for work on all COUNT orders (seeding them, listing them), in
 * typical commands at this machine's pace: one such run counts as a hundred
 * commands per 10,000 orders.
 */
const LIST_GUARD_MS = PACE.commands((COUNT / 10_000) * 100);
let big: TempState;

beforeAll(async () => {
  big = tempState();
  const store = await openStore(big.state, {});
  try {
    await store.write(
      async (tx) => {
        for (let i = 1; i <= COUNT; i++) {
          await tx.execute(addCommand({ orderId: i, symbol: `S${i % 37}`, side: i % 2 ? 'buy' : 'sell', amount: i, price: `${1 + (i % 97)}.125`, source: i % 3 ? `desk-${i % 5}` : null }));
        }
      },
      { atomic: true, bulk: true },
    );
  } finally {
    await store.close();
  }
}, LIST_GUARD_MS);

afterAll(() => big.cleanup());

const ROW = /^ *(\d+)  S\d+ +(Buy |Sell)  +\d+  +\d+\.125  (desk-\d|      )  \d{4}-\d\d-\d\dT[\d:.]+Z$/;

describe.concurrent('oms orders on many live orders', () => {
  it('prints every order once, in the --json order, each row well formed', async () => {
    const [text, json] = await Promise.all([oms(['orders'], { state: big.state, timeout: LIST_GUARD_MS }), oms(['--json', 'orders'], { state: big.state, timeout: LIST_GUARD_MS })]);
    expect(text.exitCode, String(text.stderr)).toBe(0);
    const lines = String(text.stdout).split('\n');
    expect(lines[0]).toMatch(/^Order\s+Symbol\s+Side\s+Amount\s+Price\s+Source\s+Accepted$/);
    const rows = lines.slice(1);
    expect(rows).toHaveLength(COUNT);
    const ids = rows.map((row) => {
      const match = ROW.exec(row);
      expect(match, JSON.stringify(row)).not.toBeNull();
      return Number(match![1]);
    });
    const expected = (JSON.parse(String(json.stdout)).orders as { orderId: number }[]).map((order) => order.orderId);
    expect(ids).toEqual(expected);
    // Columns line up: the last column is fixed-width, so every row is as long.
    expect(new Set(rows.map((row) => row.length)).size).toBe(1);
  }, LIST_GUARD_MS);

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} while printing stops it: exit ${code}, not every row printed`, async () => {
      const child = execa(process.execPath, [OMS, '--state', big.state, 'orders'], { reject: false, cwd: ROOT, timeout: LIST_GUARD_MS, buffer: false });
      const stdout = child.stdout!;
      // Stop reading once the first rows arrive: the printer fills the pipe
      // and waits; the signal comes while the list is only partly printed.
      await new Promise<void>((resolve) => stdout.once('data', () => resolve()));
      stdout.pause();
      child.kill(signal);
      let rest = 0;
      stdout.on('data', (chunk: Buffer) => (rest += chunk.length));
      stdout.resume();
      const result = await child;
      expect(result.exitCode, String(result.stderr)).toBe(code);
      // The whole list is well over a megabyte; a pipe holds 64 KiB.
      expect(rest).toBeLessThan(COUNT * 40);
    }, LIST_GUARD_MS);
  }
});
