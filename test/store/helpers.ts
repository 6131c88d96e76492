// Shared by the store's in-process tests: temp states on tmpfs when there is
// one (these tests make thousands of commits; fsync there costs nothing and
// what they check does not depend on it), commands, and a look inside the
// index file.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { addCommand, quoteCommand, type AddCommand } from '../../src/core/commands.js';
import { startPace } from '../pace.js';

/**
 * How long in-process work that should take a moment (a worker starting and
 * scanning a small file) may run before it is deemed stuck in a loop: a
 * count of typical commands at this machine's pace.
 */
export const HANG_GUARD_MS = startPace().commands(10);

export function tempState(): { dir: string; state: string; cleanup(): void } {
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const dir = fs.mkdtempSync(path.join(base, 'oms-store-unit-'));
  return { dir, state: path.join(dir, 'state.json'), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function add(orderId: number, overrides: Partial<{ symbol: string; side: string; amount: number; price: string; source: string }> = {}): AddCommand {
  return addCommand({ orderId, symbol: 'AAA', side: orderId % 2 ? 'buy' : 'sell', amount: 5, price: String(10 + (orderId % 40)), source: 'desk-with-a-longish-name', ...overrides });
}

export const bigQuote = (amount: number) => quoteCommand({ symbol: 'AAA', side: 'sell', amount, partial: true });

/** The index file's header and how many slots really hold an entry. */
export function inspectIndex(file: string): { capacity: number; count: number; coveredOffset: number; occupied: number } {
  const bytes = fs.readFileSync(file);
  const capacity = bytes.readUInt32LE(8);
  let occupied = 0;
  for (let slot = 0; slot < capacity; slot++) if (bytes.readDoubleLE(64 + slot * 16 + 8) !== 0) occupied++;
  return { capacity, count: bytes.readUInt32LE(12), coveredOffset: bytes.readDoubleLE(16), occupied };
}

/**
 * Runs an ES module's source in a worker and says whether it finished in
 * time: a synchronous endless loop cannot be interrupted in the test's own
 * thread, but a worker can be terminated.
 */
export async function finishesWithin(ms: number, moduleSource: string): Promise<{ finished: boolean; error?: unknown }> {
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(moduleSource)}`));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      resolve({ finished: false });
    }, ms);
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve({ finished: true });
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      resolve({ finished: true, error });
    });
  });
}

/** The built module for `src/store/NAME.ts`, importable from a worker. */
export function builtStoreModule(name: string): string {
  return new URL(`../../dist/store/${name}.js`, import.meta.url).href;
}
