// An application (src/app) on a fresh temp file state, for unit tests of its
// queries without spawning the CLI.

import { afterEach } from 'vitest';
import { Oms } from '../../src/app/oms.js';
import { addCommand } from '../../src/core/commands.js';
import { tempState, DOCUMENT_ORDERS, type TempState } from '../e2e/helpers.js';

const open: Array<{ oms: Oms; state: TempState }> = [];

afterEach(async () => {
  for (const { oms, state } of open.splice(0)) {
    await oms.close();
    state.cleanup();
  }
});

/** A fresh state; `clock` is the store's clock (ms), so expiry can be tested without waiting. */
export async function freshApp(clock?: () => number): Promise<Oms> {
  const state = tempState();
  const oms = await Oms.open(state.state, { notice: () => undefined, ...(clock ? { clock } : {}) });
  open.push({ oms, state });
  return oms;
}

/** A fresh state holding the requirement document's four orders (SPEC §1). */
export async function documentApp(clock?: () => number): Promise<Oms> {
  const oms = await freshApp(clock);
  for (const [orderId, symbol, side, amount, price] of DOCUMENT_ORDERS) {
    await oms.execute(addCommand({ orderId: orderId!, symbol: symbol!, side: side!, amount: amount!, price: price! }));
  }
  return oms;
}
