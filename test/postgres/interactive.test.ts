// Prompt mode on a PostgreSQL state: the same session as on a file, the
// quote it stores seen by another process through the database.

import { describe, expect, it } from 'vitest';
import { FakeTerminal, KEY } from '../interactive/harness.js';
import { quotes, seed, trades } from '../interactive/state.js';
import { testStateUrl } from './server.js';

describe('interactive mode on PostgreSQL', () => {
  it('prices and stores a quote', async () => {
    const state = await testStateUrl();
    await seed(state);
    const term = new FakeTerminal();
    const { done } = await term.start({ state });
    await term.menu('quote');
    await term.choose('Symbol to quote', 'jp', 'JPM');
    await term.waitFor('Side');
    term.press(KEY.enter);
    await term.answer('Amount', '22');
    await term.answer('Client', 'acme');
    await term.answer('Seconds the quote stays tradable (60)', '300');
    await term.waitFor('Quote 1 for "acme": JPM Buy 22');
    await term.waitFor('Total: 442 for 22');
    await term.menu('quit');
    await term.ended(done);
    expect(await quotes(state)).toBe(1);
    expect(await trades(state)).toEqual([]);
  });
});
