// What the hostile-files store tests share: a write big enough that the file
// store checkpoints after it (its policy has no knob: past 64 KiB of journal).

import type { Transaction } from '../../src/store/store.js';
import { add } from './helpers.js';

/** 500 adds on symbol PAD (about 85 KB of journal) from order id `from`. */
export async function padToCheckpoint(tx: Transaction, from: number): Promise<void> {
  for (let id = from; id < from + 500; id++) await tx.execute(add(id, { symbol: 'PAD' }), `pad-${id}`);
}
