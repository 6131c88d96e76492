// The same random operation script on a file state and on a PostgreSQL state
// (several stores on each, as several processes): every --json answer, every
// refusal and the final books must be the same. Times are the same too: both
// run on one injected clock.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { errorJson, mutationJson } from '../../src/app/json.js';
import { addCommand, modifyCommand, quoteCommand, removeCommand, tradeCommand, tradeQuoteCommand, type Command } from '../../src/core/commands.js';
import { OmsError } from '../../src/core/errors.js';
import { openStore } from '../../src/store/open.js';
import type { StateStore } from '../../src/store/store.js';
import { testStateUrl } from './server.js';

const OPERATIONS = 400;
const SYMBOLS = ['AAA', 'BBB', 'CCC'];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-random-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function script(seed: number): Array<{ command: Command; opId?: string; store: number }> {
  const next = random(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)] as T;
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const steps: Array<{ command: Command; opId?: string; store: number }> = [];
  for (let i = 0; i < OPERATIONS; i++) {
    const symbol = pick(SYMBOLS);
    const side = pick(['Buy', 'Sell']);
    const orderId = int(1, 120);
    const roll = next();
    let command: Command;
    if (roll < 0.45) command = addCommand({ orderId, symbol, side, amount: int(1, 30), price: `${int(90, 110)}.${int(0, 99)}` });
    else if (roll < 0.6) command = modifyCommand({ orderId, ...(next() < 0.5 ? { amount: int(0, 40) } : { price: String(int(90, 110)) }) });
    else if (roll < 0.7) command = removeCommand({ orderId });
    else if (roll < 0.8) command = quoteCommand({ symbol, side, amount: int(1, 60), partial: next() < 0.5, ttl: int(1, 5) });
    else if (roll < 0.9) command = tradeQuoteCommand({ quoteId: int(1, Math.max(1, Math.floor(i / 10))) });
    else command = tradeCommand({ symbol, side, amount: int(1, 60), partial: next() < 0.5 });
    // Some op ids repeat on purpose: replays and conflicts.
    const opId = next() < 0.3 ? `op-${int(1, 40)}` : undefined;
    steps.push({ command, store: int(0, 2), ...(opId === undefined ? {} : { opId }) });
  }
  return steps;
}

/** Generated op ids differ between runs (and show inside trades, quotes and messages); everything else must not. */
function withoutGeneratedIds(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value).replace(/op-[0-9a-z]+-[0-9a-f]{12}[0-9a-z]+/g, '<generated>'));
}

async function play(location: string, seed: number): Promise<{ answers: unknown[]; books: unknown[] }> {
  let now = Date.parse('2026-03-04T05:06:07.000Z');
  const clock = () => now;
  const stores: StateStore[] = [];
  for (let i = 0; i < 3; i++) stores.push(await openStore(location, { clock, notice: () => {} }));
  const answers: unknown[] = [];
  try {
    for (const [i, step] of script(seed).entries()) {
      now += 700;
      const store = stores[step.store] as StateStore;
      try {
        const outcome = await store.write((tx) => tx.execute(step.command, step.opId));
        answers.push(withoutGeneratedIds(mutationJson(outcome)));
      } catch (error) {
        if (!(error instanceof OmsError)) throw error;
        answers.push(withoutGeneratedIds({ step: i, ...errorJson(error) }));
      }
    }
    const view = await (stores[0] as StateStore).read();
    return { answers, books: SYMBOLS.map((symbol) => view.book(symbol, { orders: true })) };
  } finally {
    for (const store of stores) await store.close();
  }
}

describe('a random script on the file store and on PostgreSQL', () => {
  for (const seed of [7, 2026]) {
    it(`gives the same answers and books (seed ${seed})`, async () => {
      const onFile = await play(path.join(dir, `state-${seed}.json`), seed);
      const onPostgres = await play(await testStateUrl(), seed);
      expect(onPostgres.answers).toEqual(onFile.answers);
      expect(onPostgres.books).toEqual(onFile.books);
      expect(onFile.answers.filter((answer) => (answer as { error?: unknown }).error === undefined).length).toBeGreaterThan(OPERATIONS / 4);
    });
  }
});
