// The stores the contract suite runs on (SPEC §8): a new store is done when
// the suite passes on it. Adding one is one entry here: a name, and how to
// make a fresh empty state for it (a location openStore accepts) and remove
// it again. Entries may add store options; the suite adds its own clock.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { StoreOptions } from '../../src/store/store.js';
import { testDatabaseUrl, testStateUrl, uniqueSchema } from '../postgres/server.js';

export interface ContractStore {
  name: string;
  /** Options every store of this entry is opened with. */
  options?: StoreOptions;
  /** A location with no state yet, and how to remove whatever was made there. */
  create(): Promise<{ location: string; cleanup(): Promise<void> }>;
}

function tempFileState(): Promise<{ location: string; cleanup(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-contract-'));
  return Promise.resolve({ location: path.join(dir, 'state.json'), cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) });
}

/** A fresh schema on the test PostgreSQL server (test/postgres/server.ts), dropped afterwards. */
async function tempPostgresState(): Promise<{ location: string; cleanup(): Promise<void> }> {
  const schema = uniqueSchema('contract');
  return {
    location: await testStateUrl(schema),
    cleanup: async () => {
      const client = new pg.Client({ connectionString: await testDatabaseUrl() });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

export const CONTRACT_STORES: ContractStore[] = [
  { name: 'file', create: tempFileState },
  // As `oms serve` opens it: lookups never block (a different code path).
  { name: 'file (long-lived)', options: { longLived: true }, create: tempFileState },
  // A short CLI process: loads only the books a command needs.
  { name: 'postgres', create: tempPostgresState },
  // As `oms serve` opens it: every book in memory, caught up from operations.
  { name: 'postgres (long-lived)', options: { longLived: true }, create: tempPostgresState },
];
