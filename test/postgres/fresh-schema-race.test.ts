// Several processes opening one fresh, empty schema at the same moment (two
// `oms serve` started together): whoever comes first creates the tables,
// the others must wait for it and use them; none may fail with "relation
// already exists" (a migrations race). Each store stands for a process; they
// first read (as serve's start-up check does) and then all write at once, and
// the operations of all of them must be there, each once.

import { afterEach, describe, expect, it } from 'vitest';
import { addCommand } from '../../src/core/commands.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { testStateUrl } from './server.js';

const STORES = 6;
const ROUNDS = 3;
const opened: PostgresStore[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

describe('PostgreSQL: several processes on one fresh schema at once', () => {
  it('create the tables once and every write of every process lands', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const url = await testStateUrl();
      const stores = Array.from({ length: STORES }, () => new PostgresStore(url, { longLived: true }));
      opened.push(...stores);
      // Start-up: each looks at the state before anything exists.
      await Promise.all(stores.map((store) => store.status()));
      const outcomes = await Promise.all(
        stores.map((store, n) => store.write((tx) => tx.execute(addCommand({ orderId: n + 1, symbol: 'ABC', side: 'Buy', amount: 1, price: '10' }), `add-${n + 1}`))),
      );
      expect(outcomes.map((outcome) => outcome.status)).toEqual(stores.map(() => 'applied'));
      // And through each again, now that the schema exists.
      await Promise.all(stores.map((store, n) => store.write((tx) => tx.execute(addCommand({ orderId: 100 + n, symbol: 'ABC', side: 'Buy', amount: 1, price: '10' })))));
      const view = await (stores[0] as PostgresStore).read();
      expect([...view.orders()].map((order) => order.orderId).sort((a, b) => a - b)).toEqual([
        ...stores.map((_, n) => n + 1),
        ...stores.map((_, n) => 100 + n),
      ]);
    }
  });
});
