// The PostgreSQL store through the store interface, with several stores on
// one schema standing for several processes: exactly-once op ids, catch-up,
// books loaded on demand, atomic batches, nothing created by a rejection,
// and failures as STATE_IO / STATE_LOCKED.

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { addCommand, modifyCommand, quoteCommand, removeCommand, tradeCommand, tradeQuoteCommand } from '../../src/core/commands.js';
import { openStore } from '../../src/store/open.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import type { StateView, StoreOptions } from '../../src/store/store.js';
import { testDatabaseUrl, testStateUrl } from './server.js';

const opened: PostgresStore[] = [];

function open(url: string, options: StoreOptions = {}): PostgresStore {
  const store = new PostgresStore(url, options);
  opened.push(store);
  return store;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

const jpm = (orderId: number, amount: number, price: string, side = 'Buy') => addCommand({ orderId, symbol: 'jpm', side, amount, price });

describe('PostgreSQL store', () => {
  it('commits, replays by op id, refuses a conflicting reuse, and another process sees it', async () => {
    const url = await testStateUrl();
    const a = open(url);
    const b = open(url);
    const first = await a.write((tx) => tx.execute(jpm(1, 20, '20'), 'add-1'));
    expect(first.status).toBe('applied');
    const again = await b.write((tx) => tx.execute(jpm(1, 20, '20'), 'add-1'));
    expect(again.status).toBe('replayed');
    expect(again.result).toEqual(first.result);
    await expect(b.write((tx) => tx.execute(jpm(2, 20, '20'), 'add-1'))).rejects.toMatchObject({ code: 'OP_ID_CONFLICT' });
    const natural = await b.write((tx) => tx.execute(jpm(1, 20, '20')));
    expect(natural.status).toBe('replayed');
    await expect(b.write((tx) => tx.execute(jpm(1, 21, '20')))).rejects.toMatchObject({ code: 'DUPLICATE_ORDER_ID' });
    await b.write((tx) => tx.execute(jpm(4, 10, '21')));
    const view = await a.read();
    expect([...view.orders()].map((order) => order.orderId)).toEqual([1, 4]);
    expect(view.price('JPM', 'Buy', 22, false).total).toBe('442');
    const status = await a.status();
    expect(status).toMatchObject({ exists: true, seq: 2, operations: 2, liveOrders: 2, symbols: ['JPM'], convention: 'document' });
    expect(status.details?.lines).toContainEqual(['PostgreSQL', expect.stringMatching(/^\d+/)]);
  });

  it('keeps any text exactly (quotes, backslashes, dollar signs, non-ASCII)', async () => {
    const url = await testStateUrl();
    const source = `O'Brien $1 \\ "desk" ✓ $$`;
    await open(url).write((tx) => tx.execute(addCommand({ orderId: 1, symbol: 'JPM', side: 'Buy', amount: 1, price: '1', source }), `op $2 '${source}`));
    const again = await open(url).write((tx) => tx.execute(addCommand({ orderId: 1, symbol: 'JPM', side: 'Buy', amount: 1, price: '1', source }), `op $2 '${source}`));
    expect(again.status).toBe('replayed');
    expect((await open(url).read()).order(1)?.source).toBe(source);
  });

  it('keeps queue priority across processes: a grown order goes behind, a shrunk one keeps its place', async () => {
    const url = await testStateUrl();
    const a = open(url);
    await a.write(async (tx) => {
      await tx.execute(jpm(1, 10, '20'));
      await tx.execute(jpm(2, 10, '20'));
      await tx.execute(jpm(3, 10, '20'));
      await tx.execute(modifyCommand({ orderId: 1, amount: 11 }));
      await tx.execute(modifyCommand({ orderId: 2, amount: 5 }));
    });
    await a.write((tx) => tx.execute(modifyCommand({ orderId: 3, price: '20.5' })));
    await a.write((tx) => tx.execute(modifyCommand({ orderId: 3, price: '20' })));
    const fresh = open(url);
    const orders = [...(await fresh.read({ symbol: 'JPM' })).orders({ symbol: 'JPM' })];
    expect(orders.map((order) => [order.orderId, order.amount])).toEqual([[2, 5], [1, 11], [3, 10]]);
    const trade = await fresh.write((tx) => tx.execute(tradeCommand({ symbol: 'JPM', side: 'Buy', amount: 8 })));
    expect(trade.result).toMatchObject({ trade: { fills: [{ orderId: 2, amount: 5 }, { orderId: 1, amount: 3 }] } });
    expect([...(await a.read()).orders()].map((order) => [order.orderId, order.amount])).toEqual([[1, 8], [3, 10]]);
  });

  it('quotes survive processes; a quote executes once; expiry uses the database clock', async () => {
    const url = await testStateUrl();
    const a = open(url);
    await a.write((tx) => tx.execute(jpm(1, 20, '20')));
    const quoted = await a.write((tx) => tx.execute(quoteCommand({ symbol: 'JPM', side: 'Buy', amount: 5, client: 'c' })));
    const quote = (quoted.result as { quote: { quoteId: number; expiresAt: string } }).quote;
    expect(Math.abs(Date.parse(quote.expiresAt) - 60_000 - Date.now())).toBeLessThan(30_000);
    const b = open(url);
    const traded = await b.write((tx) => tx.execute(tradeQuoteCommand({ quoteId: quote.quoteId })));
    expect(traded.opId).toBe(`quote:${quote.quoteId}`);
    expect((await b.write((tx) => tx.execute(tradeQuoteCommand({ quoteId: quote.quoteId })))).status).toBe('replayed');
    await expect(a.write((tx) => tx.execute(tradeQuoteCommand({ quoteId: quote.quoteId }), 'other'))).rejects.toMatchObject({ code: 'QUOTE_USED' });
    const short = await a.write((tx) => tx.execute(quoteCommand({ symbol: 'JPM', side: 'Buy', amount: 1, ttl: 1 })));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await expect(b.write((tx) => tx.execute(tradeQuoteCommand({ quoteId: (short.result as { quote: { quoteId: number } }).quote.quoteId })))).rejects.toMatchObject({
      code: 'QUOTE_EXPIRED',
    });
    expect((await a.read()).order(1)?.amount).toBe(15);
  });

  it('removes and reports gone orders from the tables', async () => {
    const url = await testStateUrl();
    const a = open(url);
    await a.write((tx) => tx.execute(jpm(1, 20, '20')));
    await a.write((tx) => tx.execute(removeCommand({ orderId: 1 })));
    const b = open(url);
    const again = await b.write((tx) => tx.execute(removeCommand({ orderId: 1 })));
    expect(again).toMatchObject({ status: 'unchanged', result: { removed: false } });
    expect(again.notice).toContain('was removed');
    await expect(b.write((tx) => tx.execute(removeCommand({ orderId: 9 })))).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' });
    expect(await (await open(url).read({ symbol: 'JPM' })).orderStatus(1)).toMatchObject({ status: 'removed' });
  });

  it("a write's view kept past its end looks nothing up: the connection may carry the next write by then", async () => {
    const url = await testStateUrl();
    const store = open(url, { longLived: true });
    await store.write((tx) => tx.execute(jpm(1, 20, '20')));
    await store.write((tx) => tx.execute(removeCommand({ orderId: 1 })));
    let kept: StateView | undefined;
    await store.write(async (tx) => {
      await tx.execute(jpm(2, 5, '20'));
      kept = tx.view;
      // Inside the write, the gone order is looked up in the tables.
      expect(await tx.view.orderStatus(1)).toMatchObject({ status: 'removed' });
    });
    await expect((kept as StateView).orderStatus(1)).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(await (await store.read()).orderStatus(1)).toMatchObject({ status: 'removed' });
  });

  it('an atomic batch commits whole or not at all; a dry run leaves nothing', async () => {
    const url = await testStateUrl();
    const a = open(url);
    await a.write((tx) => tx.execute(jpm(1, 20, '20')));
    await expect(
      a.write(
        async (tx) => {
          await tx.execute(jpm(2, 20, '20'));
          await tx.execute(jpm(3, 20, '20'));
          throw new Error('stop');
        },
        { atomic: true },
      ),
    ).rejects.toThrow('stop');
    await a.write(async (tx) => {
      await tx.execute(jpm(5, 20, '20'));
    }, { dryRun: true });
    const view = await open(url).read();
    expect([...view.orders()].map((order) => order.orderId)).toEqual([1]);
    expect([...(await a.read()).orders()].map((order) => order.orderId)).toEqual([1]);
    const batch = await a.write(async (tx) => [await tx.execute(jpm(2, 1, '1')), await tx.execute(jpm(3, 1, '1'))], { atomic: true, batchName: 'b1' });
    expect(batch.map((outcome) => outcome.status)).toEqual(['applied', 'applied']);
    const history = [];
    for await (const record of open(url).history({ limit: 2 })) history.push(record.cmd);
    expect(history).toMatchObject([{ orderId: 3 }, { orderId: 2 }]);
  });

  it('commands given without waiting are fetched ahead together and still decided in order', async () => {
    const url = await testStateUrl();
    const a = open(url);
    await a.write((tx) => tx.execute(jpm(1, 5, '10'), 'first'));
    const settled = await a.write(async (tx) =>
      Promise.allSettled([
        tx.execute(jpm(1, 5, '10'), 'first'),
        tx.execute(jpm(2, 5, '10'), 'second'),
        tx.execute(jpm(2, 5, '10'), 'second'),
        tx.execute(jpm(3, 5, '10'), 'first'),
        tx.execute(removeCommand({ orderId: 2 })),
        tx.execute(jpm(2, 5, '10')),
        tx.execute(jpm(4, 5, '10')),
      ]),
    );
    expect(settled.map((one) => (one.status === 'fulfilled' ? one.value.status : (one.reason as { code: string }).code))).toEqual([
      'replayed',
      'applied',
      'replayed',
      'OP_ID_CONFLICT',
      'applied',
      'replayed',
      'applied',
    ]);
    expect([...(await open(url).read()).orders()].map((order) => order.orderId)).toEqual([1, 4]);
  });

  it('a read scoped to one order or one symbol loads only that book; an unscoped read loads all', async () => {
    const url = await testStateUrl();
    const a = open(url);
    await a.write(async (tx) => {
      await tx.execute(jpm(1, 5, '10'));
      await tx.execute(jpm(2, 6, '11'));
      await tx.execute(addCommand({ orderId: 3, symbol: 'IBM', side: 'Sell', amount: 7, price: '12' }));
      await tx.execute(addCommand({ orderId: 4, symbol: 'MSFT', side: 'Sell', amount: 8, price: '13' }));
      await tx.execute(removeCommand({ orderId: 4 }));
    });
    const ids = (view: { orders(): Iterable<{ orderId: number }> }): number[] => [...view.orders()].map((order) => order.orderId).sort();

    const byOrder = await open(url).read({ orderId: 3 });
    expect(ids(byOrder)).toEqual([3]);
    expect((await byOrder.orderStatus(3)).order.amount).toBe(7);

    const gone = await open(url).read({ orderId: 4 });
    expect(ids(gone)).toEqual([]);
    expect((await gone.orderStatus(4)).status).toBe('removed');
    await expect(gone.orderStatus(99)).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' });

    const b = open(url);
    expect(ids(await b.read({ symbol: 'JPM' }))).toEqual([1, 2]);
    expect(ids(await b.read({ orderId: 3 }))).toEqual([1, 2, 3]);
    // Behind another process's write, a partial memory is dropped: only the book asked for is loaded again.
    await a.write((tx) => tx.execute(removeCommand({ orderId: 2 })));
    expect(ids(await b.read({ orderId: 3 }))).toEqual([3]);
    expect(ids(await b.read())).toEqual([1, 3]);
  });

  it('executeAll: a failure that is not a rejection is the answer of every command after it, unrun', async () => {
    const url = await testStateUrl();
    const a = open(url);
    await a.write((tx) => tx.execute(jpm(1, 5, '10'), 'first'));
    // PostgreSQL text cannot hold a NUL: the lookup of this op id fails in the database.
    const executed = await a.write((tx) => tx.executeAll([{ command: jpm(2, 5, '10'), opId: 'bad\u0000id' }, { command: jpm(3, 5, '10') }, { command: jpm(4, 5, '10') }]));
    const reasons = executed.map((one) => ('error' in one ? one.error : undefined));
    expect(reasons[0]).toBeDefined();
    expect(reasons[1]).toBe(reasons[0]);
    expect(reasons[2]).toBe(reasons[0]);
    expect([...(await a.read()).orders()].map((order) => order.orderId)).toEqual([1]);
    expect((await a.write((tx) => tx.execute(jpm(2, 5, '10')))).status).toBe('applied');
  });

  it('a bulk write (an import) finds what exists across its own chunks and what was there before', async () => {
    const url = await testStateUrl();
    const a = open(url);
    await a.write((tx) => tx.execute(jpm(1, 5, '10'), 'before'));
    const add = (orderId: number) => addCommand({ orderId, symbol: `S${orderId % 7}`, side: 'Sell', amount: 1, price: '5' });
    const statuses = await a.write(
      async (tx) => {
        const seen: string[] = [];
        for (let i = 2; i <= 6_002; i++) seen.push((await tx.execute(add(i), `row-${i}`)).status);
        for (const [command, opId] of [[jpm(1, 5, '10'), 'before'], [add(2), 'row-2'], [add(3), 'other']] as const) {
          seen.push(await tx.execute(command, opId).then((outcome) => outcome.status, (error: { code: string }) => error.code));
        }
        return seen;
      },
      { atomic: true, bulk: true },
    );
    expect(statuses.slice(-3)).toEqual(['replayed', 'replayed', 'replayed']);
    expect(statuses.filter((status) => status === 'applied')).toHaveLength(6_001);
    const again = await a.write(async (tx) => (await tx.execute(add(10), 'row-10')).status, { bulk: true });
    expect(again).toBe('replayed');
    await expect(a.write((tx) => tx.execute(add(11), 'row-10'), { bulk: true })).rejects.toMatchObject({ code: 'OP_ID_CONFLICT' });
  });

  it('a rejected first command creates nothing; init refuses another convention', async () => {
    const schema = `t_${Date.now().toString(36)}`;
    const url = await testStateUrl(schema);
    const a = open(url);
    await expect(a.write((tx) => tx.execute(removeCommand({ orderId: 1 })))).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' });
    const client = new pg.Client({ connectionString: await testDatabaseUrl() });
    await client.connect();
    try {
      const { rows } = await client.query('select count(*)::int as n from information_schema.schemata where schema_name = $1', [schema]);
      expect(rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
    expect((await a.status()).exists).toBe(false);
    expect(await a.init('market')).toEqual({ created: true, convention: 'market' });
    expect(await a.init('market')).toEqual({ created: false, convention: 'market' });
    await expect(a.init('document')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await open(url).read()).convention).toBe('market');
  });

  it('an unreachable database is STATE_IO without the password; a busy writer past the timeout is STATE_LOCKED', async () => {
    const down = open('postgres://oms:hunter2@127.0.0.1:1/postgres?schema=x');
    const error = await down.write((tx) => tx.execute(jpm(1, 1, '1'))).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'STATE_IO' });
    expect(String((error as Error).message)).not.toContain('hunter2');
    expect((error as Error).cause).toBeDefined();
    const url = await testStateUrl();
    const a = open(url);
    const b = open(url, { waitTimeoutMs: 200 });
    await a.write((tx) => tx.execute(jpm(1, 1, '1')));
    let release!: () => void;
    const holding = a.write(async (tx) => {
      await tx.execute(jpm(2, 1, '1'));
      await new Promise<void>((resolve) => (release = resolve));
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(b.write((tx) => tx.execute(jpm(3, 1, '1')))).rejects.toMatchObject({ code: 'STATE_LOCKED' });
    release();
    await holding;
    await b.write((tx) => tx.execute(jpm(3, 1, '1')));
    expect((await b.status()).liveOrders).toBe(3);
  });

  it('a command line that holds a password shows it as *** to other processes and in pg_stat_activity', async () => {
    const url = await testStateUrl();
    const withPassword = new URL(url);
    // Its own password: other test files' processes run beside this one with theirs.
    const password = `pw${randomBytes(6).toString('hex')}`;
    withPassword.password = password;
    const holder = (await openStore(withPassword.toString(), { command: `oms --state ${withPassword} import big.csv` })) as PostgresStore;
    opened.push(holder);
    // The lock holder is shown for a state that exists.
    await open(url).write((tx) => tx.execute(jpm(1, 1, '1')));
    let release!: () => void;
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holding = holder.write(async (tx) => {
      await tx.execute(jpm(2, 1, '1'));
      locked();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await lockTaken;
    try {
      const status = await open(url).status();
      const lock = (status.details?.json as { lock: { command: string } | null }).lock;
      expect(lock?.command).toContain(':***@');
      expect(lock?.command).not.toContain(password);
      const admin = new pg.Client({ connectionString: await testDatabaseUrl() });
      await admin.connect();
      const { rows } = await admin.query(`select count(*)::int as n from pg_stat_activity where application_name like $1`, [`%${password}%`]);
      await admin.end();
      expect(rows[0].n).toBe(0);
    } finally {
      release();
      await holding;
    }
  });
});
