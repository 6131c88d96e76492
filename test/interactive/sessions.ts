// Prompt mode against a seeded temp state, shared by the interactive tests:
// per-test setup, and a session that runs the same on every kind of state
// (the PostgreSQL suite runs it too).

import { afterEach, beforeEach, expect } from 'vitest';
import { tempState, type TempState } from '../e2e/helpers.js';
import { FakeTerminal, KEY } from './harness.js';
import { quotes, seed, trades } from './state.js';

/**
 * For each test of the file, a fresh temp state seeded with the document's
 * orders and a new fake terminal, handed to `use` before the test; the state
 * is removed after it.
 */
export function useSeededSessions(use: (session: { tmp: TempState; term: FakeTerminal }) => void): void {
  let tmp: TempState | undefined;
  beforeEach(async () => {
    tmp = tempState();
    await seed(tmp.state);
    use({ tmp, term: new FakeTerminal() });
  });
  afterEach(() => tmp?.cleanup());
}

/**
 * Stores a quote from prompt mode on `state` (seeded with the document's
 * orders): JPM Buy 22 for "acme", once a time to live of 0 has been refused
 * inline; then another store sees one quote and no trade.
 */
export async function storeAQuote(state: string, term: FakeTerminal): Promise<void> {
  const { done } = await term.start({ state });
  await term.menu('quote');
  await term.choose('Symbol to quote', 'jp', 'JPM');
  await term.waitFor('Side');
  term.press(KEY.enter);
  await term.answer('Amount', '22');
  await term.answer('Client', 'acme');
  await term.answer('Seconds the quote stays tradable (60)', '0');
  await term.waitFor('ttl: "0" must be greater than zero');
  term.press(KEY.ctrlU, '300', KEY.enter);
  await term.waitFor('Quote 1 for "acme": JPM Buy 22');
  await term.waitFor('Total: 442 for 22');
  await term.waitFor('oms trade --quote 1');
  await term.menu('quit');
  await term.ended(done);

  expect(await quotes(state)).toBe(1);
  expect(await trades(state)).toEqual([]);
}
