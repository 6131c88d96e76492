// The test server is real PostgreSQL and reachable: everything else in
// test/postgres builds on it.

import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { testDatabaseUrl } from './server.js';

describe('test PostgreSQL server', () => {
  it('answers queries', async () => {
    const client = new pg.Client({ connectionString: await testDatabaseUrl() });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: string }>('select version() as version');
      expect(rows[0]?.version).toMatch(/^PostgreSQL \d+/);
    } finally {
      await client.end();
    }
  });
});
