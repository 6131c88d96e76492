// Prompt mode on a PostgreSQL state: the same session as on a file, the
// quote it stores seen by another process through the database.

import { describe, it } from 'vitest';
import { FakeTerminal } from '../interactive/harness.js';
import { storeAQuote } from '../interactive/sessions.js';
import { seed } from '../interactive/state.js';
import { testStateUrl } from './server.js';

describe('interactive mode on PostgreSQL', () => {
  it('prices and stores a quote, refusing a time to live of 0 first', async () => {
    const state = await testStateUrl();
    await seed(state);
    await storeAQuote(state, new FakeTerminal());
  });
});
