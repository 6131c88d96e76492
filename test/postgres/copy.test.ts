// Copying a state to PostgreSQL: history, op ids and results carry over, so
// replays answer after the copy as before; a non-empty target is refused.

import { afterAll, describe, expect, it } from 'vitest';
import { addCommand, modifyCommand, quoteCommand, tradeCommand, tradeQuoteCommand } from '../../src/core/commands.js';
import type { OperationRecord } from '../../src/core/ledger.js';
import { dumpPostgres, loadPostgres } from '../../src/store/postgres/copy.js';
import { diagnosePostgres } from '../../src/store/postgres/doctor.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { testStateUrl } from './server.js';

const stores: PostgresStore[] = [];
const open = (url: string): PostgresStore => {
  const store = new PostgresStore(url);
  stores.push(store);
  return store;
};
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
});

async function historyOf(store: PostgresStore): Promise<OperationRecord[]> {
  const records: OperationRecord[] = [];
  for await (const record of store.history()) records.push(record);
  return records;
}

describe('oms copy into PostgreSQL', () => {
  it('copies history and op ids; replays answer the same; a non-empty target is refused', async () => {
    const from = await testStateUrl();
    const source = open(from);
    await source.init('market');
    await source.write(async (tx) => {
      await tx.execute(addCommand({ orderId: 1, symbol: 'JPM', side: 'Sell', amount: 20, price: '20' }), 'a1');
      await tx.execute(addCommand({ orderId: 2, symbol: 'JPM', side: 'Sell', amount: 10, price: '19.5' }));
    }, { atomic: true, batchName: 'b' });
    await source.write((tx) => tx.execute(modifyCommand({ orderId: 1, amount: 25 })));
    const quote = await source.write((tx) => tx.execute(quoteCommand({ symbol: 'JPM', side: 'Buy', amount: 12, client: 'c', ttl: 3600 })));
    await source.write((tx) => tx.execute(tradeCommand({ symbol: 'JPM', side: 'Buy', amount: 3, client: null }), 't1'));

    const to = await testStateUrl();
    const dumped = await dumpPostgres(from);
    expect(await loadPostgres(to, dumped!.dump)).toBe(5);
    await dumped!.close();

    const target = open(to);
    expect(await historyOf(target)).toEqual(await historyOf(source));
    expect([...(await target.read()).orders()]).toEqual([...(await source.read()).orders()]);
    expect((await target.status())).toMatchObject({ convention: 'market', operations: 5, liveOrders: 2 });
    const replayed = await target.write((tx) => tx.execute(tradeCommand({ symbol: 'JPM', side: 'Buy', amount: 3, client: null }), 't1'));
    expect(replayed.status).toBe('replayed');
    const quoteId = (quote.result as { quote: { quoteId: number } }).quote.quoteId;
    // The quote was copied: the book moved since (trade t1), so it no longer executes.
    await expect(target.write((tx) => tx.execute(tradeQuoteCommand({ quoteId })))).rejects.toMatchObject({ code: 'PRICE_MOVED' });
    expect((await diagnosePostgres(to)).healthy).toBe(true);

    const again = await dumpPostgres(from);
    await expect(loadPostgres(to, again!.dump)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('already holds 5 operations') });
    await again!.close();
    expect(await dumpPostgres(await testStateUrl())).toBeUndefined();
  });
});
