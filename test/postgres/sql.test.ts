// The SQL queries of docs/postgres.md, run as written (schema renamed) on a state made
// through the store: the tables answer a SQL user's questions in one query. The
// README shows the same three.

import fs from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCommand, tradeCommand } from '../../src/core/commands.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { testDatabaseUrl, testStateUrl, uniqueSchema } from './server.js';

/** The first three ```sql blocks of `file` from its section `heading` on, in order. */
function docQueries(file = 'docs/postgres.md', heading = '## Querying a PostgreSQL state with SQL'): string[] {
  const doc = fs.readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8');
  const start = doc.indexOf(heading);
  if (start < 0) throw new Error(`${file} has no section ${heading}`);
  const section = doc.slice(start);
  return [...section.matchAll(/```sql\n([\s\S]*?)```/g)].slice(0, 3).map((match) => match[1] as string);
}

let client: pg.Client;
let schema: string;

beforeAll(async () => {
  schema = uniqueSchema();
  const store = new PostgresStore(await testStateUrl(schema));
  await store.write(async (tx) => {
    await tx.execute(addCommand({ orderId: 42, symbol: 'JPM', side: 'Buy', amount: 20, price: '20' }));
    await tx.execute(addCommand({ orderId: 43, symbol: 'JPM', side: 'Buy', amount: 10, price: '21' }));
    await tx.execute(addCommand({ orderId: 44, symbol: 'AMZN', side: 'Sell', amount: 7, price: '10.5' }));
  });
  await store.write((tx) => tx.execute(tradeCommand({ symbol: 'JPM', side: 'Buy', amount: 5, client: null })));
  await store.write((tx) => tx.execute(tradeCommand({ symbol: 'JPM', side: 'Buy', amount: 22, client: null })));
  await store.write((tx) => tx.execute(tradeCommand({ symbol: 'AMZN', side: 'Sell', amount: 2, client: null })));
  await store.close();
  client = new pg.Client({ connectionString: await testDatabaseUrl() });
  await client.connect();
});

afterAll(async () => {
  await client.end();
});

const run = async (sql: string) => (await client.query(sql.replaceAll('oms.', `${schema}.`))).rows;

describe('the SQL queries of docs/postgres.md', () => {
  it('answer on a real state', async () => {
    const [fills, today, book] = docQueries();
    expect(fills && today && book).toBeTruthy();
    expect((await run(fills as string)).map((row) => [row.trade_id, row.amount, row.price])).toEqual([
      ['1', '5', '20'],
      ['2', '15', '20'],
    ]);
    expect(await run(today as string)).toEqual([
      { symbol: 'AMZN', trades: '1', amount: '2', total: '21' },
      { symbol: 'JPM', trades: '2', amount: '27', total: '547' },
    ]);
    expect(await run(book as string)).toEqual([{ side: 'Buy', price: '21', amount: '3', orders: '1' }]);
  });

  it('are the three the README shows', () => {
    const readme = docQueries('README.md', '## One book for a team: PostgreSQL');
    expect(readme).toHaveLength(3);
    expect(readme).toEqual(docQueries());
  });
});
