// oms doctor on PostgreSQL: a healthy state replays and agrees; tampered
// tables and counters are reported, and nothing is changed.

import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { addCommand, modifyCommand, quoteCommand, removeCommand, tradeCommand, tradeQuoteCommand } from '../../src/core/commands.js';
import { diagnosePostgres } from '../../src/store/postgres/doctor.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { testDatabaseUrl, testStateUrl, uniqueSchema } from './server.js';

const stores: PostgresStore[] = [];
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
});

async function sampleState(schema: string): Promise<string> {
  const url = await testStateUrl(schema);
  const store = new PostgresStore(url);
  stores.push(store);
  await store.write(async (tx) => {
    await tx.execute(addCommand({ orderId: 1, symbol: 'JPM', side: 'Buy', amount: 20, price: '20' }));
    await tx.execute(addCommand({ orderId: 4, symbol: 'JPM', side: 'Buy', amount: 10, price: '21' }));
    await tx.execute(addCommand({ orderId: 2, symbol: 'GOOG', side: 'Sell', amount: 12, price: '25' }));
    await tx.execute(addCommand({ orderId: 3, symbol: 'AMZN', side: 'Sell', amount: 7, price: '10', source: 'desk' }));
  });
  await store.write((tx) => tx.execute(modifyCommand({ orderId: 4, amount: 12 })));
  const quote = await store.write((tx) => tx.execute(quoteCommand({ symbol: 'JPM', side: 'Buy', amount: 22, client: 'c' })));
  await store.write((tx) => tx.execute(tradeQuoteCommand({ quoteId: (quote.result as { quote: { quoteId: number } }).quote.quoteId })));
  await store.write((tx) => tx.execute(tradeCommand({ symbol: 'GOOG', side: 'Sell', amount: 12, client: null })));
  await store.write((tx) => tx.execute(removeCommand({ orderId: 3 })));
  return url;
}

describe('oms doctor on PostgreSQL', () => {
  it('finds a healthy state healthy', async () => {
    const report = await diagnosePostgres(await sampleState(uniqueSchema()));
    expect(report.findings.filter((finding) => finding.severity === 'damage')).toEqual([]);
    expect(report).toMatchObject({ healthy: true, operations: 9, liveOrders: 1 });
  });

  it('reports tables and counters that disagree with the operations, and changes nothing', async () => {
    const schema = uniqueSchema();
    const url = await sampleState(schema);
    const client = new pg.Client({ connectionString: await testDatabaseUrl() });
    await client.connect();
    try {
      await client.query(`update ${schema}.orders set amount = amount + 1 where order_id = 4`);
      await client.query(`delete from ${schema}.fills where trade_id = 2`);
      await client.query(`update ${schema}.state set live_orders = 7`);
      const dump = async () => (await client.query(`select * from ${schema}.orders order by order_id`)).rows;
      const before = await dump();
      const report = await diagnosePostgres(url);
      expect(report.healthy).toBe(false);
      const damage = report.findings.filter((finding) => finding.severity === 'damage').map((finding) => `${finding.part}: ${finding.message}`);
      expect(damage).toEqual([
        expect.stringContaining('state: the state row disagrees with the replay: liveOrders 7 (replay 1)'),
        expect.stringContaining('orders: orders 4 differs from the replay'),
        expect.stringContaining('fills: fills 2/0 is missing from the table'),
      ]);
      expect(await dump()).toEqual(before);
      await client.query(`delete from ${schema}.operations where seq = 5`);
      const gap = await diagnosePostgres(url);
      expect(gap.findings.some((finding) => finding.message.startsWith('operation 5 is missing'))).toBe(true);
    } finally {
      await client.end();
    }
  });
});
