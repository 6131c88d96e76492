// Every command's happy path through the real binary, in text and --json,
// including the requirement document's acceptance table (SPEC §1) in both
// conventions: what a person and a script see when things go right.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_ORDERS, ok, oms, omsJson, stateFiles, useTempStates } from './helpers.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const ORDER_KEYS = ['orderId', 'symbol', 'side', 'amount', 'price', 'source', 'acceptedAt'];
const EXECUTION_KEYS = ['symbol', 'side', 'requested', 'filled', 'total', 'partial', 'fills', 'averagePrice'];
const TRADE_KEYS = ['tradeId', 'symbol', 'side', 'requested', 'filled', 'total', 'partial', 'fills', 'client', 'quoteId', 'opId', 'executedAt', 'averagePrice'];

const { fresh, documentState } = useTempStates();

function expectKeys(value: Record<string, unknown>, keys: string[]): void {
  for (const key of keys) expect(value, `missing ${key} in ${JSON.stringify(value)}`).toHaveProperty(key);
}

/** Runs `oms` in text mode, expects exit 0, returns stdout. */
async function text(state: string, args: string[]): Promise<string> {
  const result = await oms(args, { state });
  expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return String(result.stdout);
}

describe.concurrent('the requirement document through the binary (SPEC §1)', () => {
  it('document convention: init, the four orders, 400 / 200 / 442, then the trade', async () => {
    const { state } = fresh();
    const init = await ok(state, ['init']);
    expect(init).toMatchObject({ state, created: true, convention: 'document' });

    const added = await ok(state, ['add', '1', 'jpm', 'b', '20', '20']);
    expectKeys(added, ['opId', 'replayed', 'order']);
    expect(added).toMatchObject({ replayed: false, order: { orderId: 1, symbol: 'JPM', side: 'Buy', amount: 20, price: '20', source: null } });
    expect(typeof added.opId).toBe('string');
    expectKeys(added.order, ORDER_KEYS);
    expect(added.order.acceptedAt).toMatch(ISO);
    for (const order of DOCUMENT_ORDERS.slice(1)) await ok(state, ['add', ...order]);

    const before = stateFiles(state);
    const totals: string[] = [];
    for (const amount of ['20', '10', '22']) {
      const priced = await ok(state, ['price', 'JPM', 'Buy', amount]);
      expectKeys(priced, EXECUTION_KEYS);
      expect(priced).toMatchObject({ symbol: 'JPM', side: 'Buy', requested: Number(amount), filled: Number(amount), partial: false });
      totals.push(priced.total);
    }
    expect(totals).toEqual(['400', '200', '442']);
    const priced22 = await ok(state, ['price', 'JPM', 'buy', '22']);
    expect(priced22.fills).toEqual([
      { orderId: 1, amount: 20, price: '20' },
      { orderId: 4, amount: 2, price: '21' },
    ]);
    expect(stateFiles(state), 'price stores nothing').toEqual(before);

    const priceText = await text(state, ['price', 'JPM', 'buy', '22']);
    expect(priceText).toContain('JPM Buy 22');
    expect(priceText).toMatch(/^\s*20\s+20\s+1\s+400$/m);
    expect(priceText).toMatch(/^\s*21\s+2\s+1\s+42$/m);
    expect(priceText).toContain('Total: 442 for 22');

    const traded = await ok(state, ['trade', 'JPM', 'buy', '22']);
    expectKeys(traded, ['opId', 'replayed', 'trade']);
    expectKeys(traded.trade, TRADE_KEYS);
    expect(traded.trade).toMatchObject({ tradeId: 1, symbol: 'JPM', side: 'Buy', requested: 22, filled: 22, total: '442', partial: false, client: null, quoteId: null });
    expect(traded.trade.opId).toBe(traded.opId);
    expect(traded.trade.executedAt).toMatch(ISO);

    const book = await ok(state, ['book', 'JPM']);
    expect(book).toEqual({ symbol: 'JPM', convention: 'document', bestBid: '21', bestAsk: null, spread: null, buy: [{ price: '21', amount: '8', orderCount: 1 }], sell: [] });
    expect((await ok(state, ['order', '1'])).status).toBe('filled');
    expect((await ok(state, ['price', 'JPM', 'buy', '8'])).total).toBe('168');
  });

  it('market convention: a request walks the opposite side; the convention shows in status and book', async () => {
    const { state } = fresh();
    expect(await ok(state, ['init', '--convention', 'market'])).toMatchObject({ created: true, convention: 'market' });
    for (const order of DOCUMENT_ORDERS) await ok(state, ['add', ...order]);
    expect((await ok(state, ['status'])).convention).toBe('market');

    // Sell JPM walks JPM's Buy side from the highest price down: 21×10 + 20×12.
    expect((await ok(state, ['price', 'JPM', 'sell', '22'])).total).toBe('450');
    expect((await ok(state, ['price', 'JPM', 'sell', '10'])).total).toBe('210');
    expect((await ok(state, ['price', 'GOOG', 'buy', '12'])).total).toBe('300');
    const noSellSide = await omsJson(['price', 'JPM', 'buy', '1'], { state });
    expect(noSellSide.result.exitCode).toBe(3);
    expect(noSellSide.json.error).toMatchObject({ code: 'INSUFFICIENT_LIQUIDITY', available: '0' });

    const traded = await ok(state, ['trade', 'JPM', 'sell', '22']);
    expect(traded.trade.total).toBe('450');
    expect(traded.trade.fills).toEqual([
      { orderId: 4, amount: 10, price: '21' },
      { orderId: 1, amount: 12, price: '20' },
    ]);
    expect(await ok(state, ['book', 'JPM'])).toEqual({ symbol: 'JPM', convention: 'market', bestBid: '20', bestAsk: null, spread: null, buy: [{ price: '20', amount: '8', orderCount: 1 }], sell: [] });
    const bookText = await text(state, ['book', 'JPM']);
    expect(bookText).toContain('JPM (market convention)');
    expect(bookText).toMatch(/Buy side \(highest price first; what a Sell request walks\)/);
    expect(bookText).toMatch(/Sell side \(lowest price first; what a Buy request walks\)/);
  });

  it('init again: same convention is a no-op with a notice, another convention is INVALID_ARGUMENT', async () => {
    const { state } = fresh();
    expect((await oms(['init'], { state })).stdout).toContain(`Created ${state} (convention document)`);
    await ok(state, ['add', '1', 'JPM', 'buy', '20', '20']);
    const before = stateFiles(state);

    const again = await omsJson(['init'], { state });
    expect(again.result.exitCode).toBe(0);
    expect(again.json).toMatchObject({ created: false, convention: 'document' });
    expect(again.result.stderr).toMatch(/already/);
    const againText = await oms(['init', '--convention', 'document'], { state });
    expect(againText.exitCode).toBe(0);
    expect(againText.stdout).toContain('document convention: a Buy request walks the Buy side');
    expect(againText.stderr).toContain('already exists with convention document; nothing changed');

    const other = await omsJson(['init', '--convention', 'market'], { state });
    expect(other.result.exitCode).toBe(2);
    expect(other.json.error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'convention', value: 'market' });
    expect(other.json.error.message).toContain('convention');
    expect(stateFiles(state)).toEqual(before);
    expect((await ok(state, ['status'])).convention).toBe('document');
  });
});

describe.concurrent('quotes and trades', () => {
  it('quote prints total, per-level fills, id and expiry; trade --quote executes it once', async () => {
    const { state } = documentState();
    const quoteText = await text(state, ['quote', 'JPM', 'buy', '22', '--client', 'acme']);
    expect(quoteText).toContain('Quote 1 for "acme": JPM Buy 22');
    expect(quoteText).toMatch(/^\s*20\s+20\s+1\s+400$/m);
    expect(quoteText).toMatch(/^\s*21\s+2\s+1\s+42$/m);
    expect(quoteText).toContain('Total: 442 for 22');
    expect(quoteText).toMatch(/Expires at \d{4}-\d\d-\d\dT[\d:.]+Z/);
    expect(quoteText).toContain('oms trade --quote 1');

    const asked = Date.now();
    const quote = await ok(state, ['quote', 'JPM', 'buy', '20', '--client', 'acme', '--ttl', '300']);
    const answered = Date.now();
    expectKeys(quote, [...EXECUTION_KEYS, 'quoteId', 'opId', 'client', 'expiresAt']);
    expect(quote).toMatchObject({ quoteId: 2, symbol: 'JPM', side: 'Buy', requested: 20, filled: 20, total: '400', partial: false, client: 'acme', replayed: false });
    // 300 s from some moment while the command ran, however long it took.
    expect(Date.parse(quote.expiresAt)).toBeGreaterThanOrEqual(asked + 300_000);
    expect(Date.parse(quote.expiresAt)).toBeLessThanOrEqual(answered + 300_000);

    const traded = await ok(state, ['trade', '--quote', '2']);
    expect(traded).toMatchObject({ opId: 'quote:2', replayed: false, trade: { tradeId: 1, quoteId: 2, client: 'acme', total: '400', filled: 20, opId: 'quote:2' } });
    expect(traded.trade.fills).toEqual([{ orderId: 1, amount: 20, price: '20' }]);

    // Quote 1 was for 22 (400 + 42); order 1 is gone now, so it would cost 21×10 only: the price moved.
    const moved = await omsJson(['trade', '--quote', '1'], { state });
    expect(moved.result.exitCode).toBe(3);
    expect(moved.json.error.code).toBe('PRICE_MOVED');

    const requote = await ok(state, ['quote', 'JPM', 'buy', '5']);
    const tradeText = await text(state, ['trade', '--quote', String(requote.quoteId)]);
    expect(tradeText).toContain(`Trade 2 (quote ${requote.quoteId}): JPM Buy 5`);
    expect(tradeText).toMatch(/^\s*4\s+5\s+21$/m);
    expect(tradeText).toContain('Total: 105 for 5');
    expect(await ok(state, ['book', 'JPM'])).toMatchObject({ buy: [{ price: '21', amount: '5', orderCount: 1 }] });
  });

  it('trade at the current book, in text; --partial fills what exists for quote, trade and price', async () => {
    const { state } = documentState();
    const tradeText = await text(state, ['trade', 'AMZN', 'sell', '3', '--client', 'bob']);
    expect(tradeText).toContain('Trade 1 for "bob": AMZN Sell 3');
    expect(tradeText).toMatch(/^\s*3\s+3\s+10$/m);
    expect(tradeText).toContain('Total: 30 for 3');

    const price = await ok(state, ['price', 'AMZN', 'sell', '10', '--partial']);
    expect(price).toMatchObject({ requested: 10, filled: 4, total: '40', partial: true });
    expect(await text(state, ['price', 'AMZN', 'sell', '10', '--partial'])).toContain('Total: 40 for 4 (partial: 4 of 10)');
    const quote = await ok(state, ['quote', 'AMZN', 'sell', '10', '--partial']);
    expect(quote).toMatchObject({ requested: 10, filled: 4, total: '40', partial: true });
    const trade = await ok(state, ['trade', 'AMZN', 'sell', '10', '--partial', '--client', 'bob']);
    expect(trade.trade).toMatchObject({ tradeId: 2, requested: 10, filled: 4, total: '40', partial: true, client: 'bob' });
    expect(await ok(state, ['book', 'AMZN'])).toMatchObject({ buy: [], sell: [] });

    const empty = await ok(state, ['trade', 'NEVER', 'buy', '5', '--partial']);
    expect(empty.trade).toMatchObject({ requested: 5, filled: 0, total: '0', partial: true, fills: [] });
  });

  it('totals beyond 2^53 stay exact through the CLI, as decimal strings', async () => {
    const { state } = fresh();
    const max = '9007199254740991';
    await ok(state, ['add', '1', 'BIG', 'sell', max, '90071992.54740991']);
    await ok(state, ['add', '2', 'BIG', 'sell', max, '1.5']);
    await ok(state, ['add', '3', 'BIG', 'sell', max, '1.5']);

    const product = 9007199254740991n * 9007199254740991n;
    const exact = `${product / 100_000_000n}.${(product % 100_000_000n).toString().padStart(8, '0')}`;
    expect(exact).toBe('811296384146066636813904.95662081');

    const priced = await ok(state, ['price', 'BIG', 'sell', max]);
    expect(priced.total).toBe(exact);
    expect(priced.filled).toBe(Number.MAX_SAFE_INTEGER);
    expect(await text(state, ['price', 'BIG', 'sell', max])).toContain(`Total: ${exact} for ${max}`);

    const book = await ok(state, ['book', 'BIG']);
    expect(book.sell).toEqual([
      { price: '90071992.54740991', amount: max, orderCount: 1 },
      { price: '1.5', amount: '18014398509481982', orderCount: 2 },
    ]);

    const traded = await ok(state, ['trade', 'BIG', 'sell', max]);
    expect(traded.trade.total).toBe(exact);
    expect((await ok(state, ['trades'])).trades[0].total).toBe(exact);
    expect(await text(state, ['trades'])).toContain(exact);
    expect(String((await oms(['export', 'trades'], { state })).stdout)).toContain(`,${exact},`);
    // 1.5 × (2^53 − 1) is not a whole number; a float would round it.
    expect((await ok(state, ['price', 'BIG', 'sell', max])).total).toBe('13510798882111486.5');
  });
});

describe.concurrent('orders: modify, remove, order', () => {
  it('modify: shape, place in the level, amount 0 removes; remove; order live and gone', async () => {
    const { state } = documentState();
    await ok(state, ['add', '5', 'JPM', 'buy', '5', '20']);
    await ok(state, ['add', '6', 'JPM', 'buy', '6', '20']);
    const level = async () => (await ok(state, ['book', 'JPM', '--orders'])).buy[0].orders.map((order: any) => order.orderId);
    expect(await level()).toEqual([1, 5, 6]);

    const decreased = await ok(state, ['modify', '1', '--amount', '15']);
    expectKeys(decreased, ['opId', 'replayed', 'order', 'removed']);
    expect(decreased).toMatchObject({ replayed: false, removed: false, order: { orderId: 1, amount: 15, price: '20' } });
    expect(await level(), 'a pure decrease keeps its place').toEqual([1, 5, 6]);
    await ok(state, ['modify', '1', '--amount', '16']);
    expect(await level(), 'an increase goes to the back').toEqual([5, 6, 1]);
    const modifyText = await text(state, ['modify', '5', '--price', '20.50']);
    expect(modifyText).toMatch(/^Modified order 5: JPM Buy 5 @ 20\.5 \(op [^)]+\)$/m);
    const both = await ok(state, ['modify', '6', '--amount', '2', '--price', '20.5']);
    expect(both.order).toMatchObject({ amount: 2, price: '20.5' });
    expect((await ok(state, ['book', 'JPM', '--orders'])).buy.map((l: any) => [l.price, l.orders.map((o: any) => o.orderId)])).toEqual([
      ['20', [1]],
      ['20.5', [5, 6]],
      ['21', [4]],
    ]);

    const zero = await ok(state, ['modify', '6', '--amount', '0']);
    expect(zero).toMatchObject({ order: null, removed: true, replayed: false });
    expect(await text(state, ['modify', '5', '--amount', '0'])).toMatch(/^Removed order 5 \(amount set to 0\)/);

    const removed = await ok(state, ['remove', '3']);
    expectKeys(removed, ['opId', 'replayed', 'removed']);
    expect(removed).toMatchObject({ replayed: false, removed: true });
    expect(await text(state, ['remove', '2'])).toMatch(/^Removed order 2 \(op [^)]+\)$/m);

    const live = await ok(state, ['order', '4']);
    expect(live).toEqual({ status: 'live', order: expect.objectContaining({ orderId: 4, symbol: 'JPM', side: 'Buy', amount: 10, price: '21', source: null }) });
    const liveText = await text(state, ['order', '4']);
    expect(liveText).toMatch(/^\s*4\s+JPM\s+Buy\s+10\s+21\s/m);
    expect(liveText).toContain('Status: live');

    const gone = await ok(state, ['order', '3']);
    expect(gone).toMatchObject({ status: 'removed', order: { orderId: 3, symbol: 'AMZN' }, endedBy: { opId: removed.opId, tradeId: null } });
    expect(gone.endedAt).toMatch(ISO);
    const zeroed = await ok(state, ['order', '6']);
    expect(zeroed).toMatchObject({ status: 'removed', endedBy: { opId: zero.opId, tradeId: null } });
    expect(await text(state, ['order', '3'])).toMatch(/Status: removed: .*order 3.*removed/);

    const trade = await ok(state, ['trade', 'JPM', 'buy', '16']);
    const filled = await ok(state, ['order', '1']);
    expect(filled).toMatchObject({ status: 'filled', endedBy: { opId: trade.opId, tradeId: trade.trade.tradeId } });
    expect(await text(state, ['order', '1'])).toMatch(/Status: filled: order 1 was filled by trade 1/);
  });
});

describe.concurrent('looking: book, orders, trades, history, status, doctor', () => {
  it('book (--depth, --orders), orders (--symbol/--side), in text and --json', async () => {
    const { state } = documentState();
    for (const order of [
      ['5', 'JPM', 'buy', '5', '19'],
      ['6', 'JPM', 'buy', '6', '19'],
      ['7', 'JPM', 'sell', '3', '30'],
      ['8', 'JPM', 'sell', '4', '31'],
      ['9', 'JPM', 'sell', '1', '30'],
    ]) {
      await ok(state, ['add', ...order, '--source', 'desk']);
    }
    const book = await ok(state, ['book', 'jpm']);
    expect(book).toEqual({
      symbol: 'JPM',
      convention: 'document',
      bestBid: '21',
      bestAsk: '30',
      spread: '9',
      buy: [
        { price: '19', amount: '11', orderCount: 2 },
        { price: '20', amount: '20', orderCount: 1 },
        { price: '21', amount: '10', orderCount: 1 },
      ],
      sell: [
        { price: '31', amount: '4', orderCount: 1 },
        { price: '30', amount: '4', orderCount: 2 },
      ],
    });
    const shallow = await ok(state, ['book', 'JPM', '--depth', '1', '--orders']);
    expect(shallow.buy).toHaveLength(1);
    expect(shallow.sell).toHaveLength(1);
    expect(shallow.buy[0].orders.map((o: any) => o.orderId)).toEqual([5, 6]);
    expectKeys(shallow.buy[0].orders[0], ORDER_KEYS);

    const bookText = await text(state, ['book', 'JPM']);
    const lines = bookText.split('\n');
    expect(lines[0]).toBe('JPM (document convention)');
    expect(lines[1]).toBe('Best bid: 21  Best ask: 30  Spread: 9');
    expect(lines[2]).toBe('Buy side (lowest price first; what a Buy request walks)');
    expect(lines).toContain('Sell side (highest price first; what a Sell request walks)');
    expect(bookText).toMatch(/^\s*19\s+11\s+2$/m);
    expect(bookText).toMatch(/^\s*30\s+4\s+2$/m);
    const withOrders = await text(state, ['book', 'JPM', '--orders', '--depth', '2']);
    expect(withOrders).toMatch(/^\s*9\s+JPM\s+Sell\s+1\s+30\s+desk\s/m);
    expect(withOrders).not.toMatch(/^\s*4\s+JPM/m);
    expect(await ok(state, ['book', 'NOPE'])).toEqual({ symbol: 'NOPE', convention: 'document', bestBid: null, bestAsk: null, spread: null, buy: [], sell: [] });
    expect(await text(state, ['book', 'NOPE'])).toContain('(empty)');

    const all = await ok(state, ['orders']);
    expect(all.orders.map((o: any) => o.orderId)).toEqual([3, 2, 5, 6, 1, 4, 8, 7, 9]);
    expectKeys(all.orders[0], ORDER_KEYS);
    const jpmSells = await ok(state, ['orders', '--symbol', 'jpm', '--side', 's']);
    expect(jpmSells.orders.map((o: any) => o.orderId)).toEqual([8, 7, 9]);
    const buys = await ok(state, ['orders', '--side', 'Buy']);
    expect(buys.orders.map((o: any) => o.orderId)).toEqual([5, 6, 1, 4]);
    expect(await ok(state, ['orders', '--symbol', 'NOPE'])).toEqual({ orders: [] });
    const ordersText = await text(state, ['orders', '--symbol', 'GOOG']);
    expect(ordersText.split('\n')[0]).toMatch(/^Order\s+Symbol\s+Side\s+Amount\s+Price\s+Source\s+Accepted$/);
    expect(ordersText).toMatch(/^\s*2\s+GOOG\s+Sell\s+12\s+25\s+\d{4}-/m);
    expect(await text(state, ['orders', '--symbol', 'NOPE'])).toContain('no live orders');
  });

  it('trades (--symbol/--client/--limit) and history, newest first', async () => {
    const { state } = documentState();
    await ok(state, ['trade', 'JPM', 'buy', '1', '--client', 'acme']);
    await ok(state, ['trade', 'GOOG', 'sell', '2', '--client', 'bob']);
    await ok(state, ['trade', 'JPM', 'buy', '3', '--client', 'bob']);

    const trades = await ok(state, ['trades']);
    expect(trades.trades.map((t: any) => t.tradeId)).toEqual([3, 2, 1]);
    expectKeys(trades.trades[0], TRADE_KEYS);
    expect((await ok(state, ['trades', '--symbol', 'jpm'])).trades.map((t: any) => t.tradeId)).toEqual([3, 1]);
    expect((await ok(state, ['trades', '--client', 'bob'])).trades.map((t: any) => t.tradeId)).toEqual([3, 2]);
    expect((await ok(state, ['trades', '--client', 'bob', '--symbol', 'GOOG'])).trades.map((t: any) => t.tradeId)).toEqual([2]);
    expect((await ok(state, ['trades', '--limit', '1'])).trades.map((t: any) => t.tradeId)).toEqual([3]);
    expect(await ok(state, ['trades', '--client', 'nobody'])).toEqual({ trades: [] });
    const tradesText = await text(state, ['trades', '--client', 'acme']);
    expect(tradesText.split('\n')[0]).toMatch(/^Trade\s+Symbol\s+Side\s+Requested\s+Filled\s+Total\s+Client\s+Quote\s+Executed$/);
    expect(tradesText).toMatch(/^\s*1\s+JPM\s+Buy\s+1\s+1\s+20\s+acme\s+\d{4}-/m);
    expect(await text(state, ['trades', '--client', 'nobody'])).toContain('no trades');

    const history = await ok(state, ['history']);
    expect(history.operations).toHaveLength(7);
    expect(history.operations.map((op: any) => op.command.type)).toEqual(['trade', 'trade', 'trade', 'add', 'add', 'add', 'add']);
    const newest = history.operations[0];
    expectKeys(newest, ['opId', 'at', 'command', 'result']);
    expect(newest.at).toMatch(ISO);
    expect(newest.opId).toBe(trades.trades[0].opId);
    expect(newest.result.trade.tradeId).toBe(3);
    expect(history.operations[6].command).toMatchObject({ type: 'add', orderId: 1, symbol: 'JPM', side: 'Buy', amount: 20, price: '20' });
    expect((await ok(state, ['history', '--limit', '2'])).operations).toHaveLength(2);
    const historyText = await text(state, ['history', '--limit', '7']);
    expect(historyText.split('\n')[0]).toMatch(/Op id\s+Command\s+Result/);
    expect(historyText).toContain(newest.opId);
    expect(historyText).toMatch(/add 1 JPM Buy 20 @ 20\s+added/);
    expect(historyText).toMatch(/trade JPM Buy 3\s+trade 3: 3 for /);
  });

  it('status and doctor on a healthy state', async () => {
    const { state } = documentState();
    await ok(state, ['trade', 'JPM', 'buy', '20']);
    await ok(state, ['quote', 'AMZN', 'sell', '2']);
    const status = await ok(state, ['status']);
    expect(status).toMatchObject({ exists: true, schema: 1, convention: 'document', liveOrders: 3, symbols: ['AMZN', 'GOOG', 'JPM'], trades: 1, quotes: 1, operations: 6, lock: null });
    expect(status.createdAt).toMatch(ISO);
    const statusText = await text(state, ['status']);
    expect(statusText).toMatch(/^Convention\s+document \(/m);
    expect(statusText).toMatch(/^Live orders\s+3$/m);
    expect(statusText).toMatch(/^Symbols\s+3 \(AMZN, GOOG, JPM\)$/m);

    const before = stateFiles(state);
    const doctor = await omsJson(['doctor'], { state });
    expect(doctor.result.exitCode, String(doctor.result.stderr)).toBe(0);
    expect(doctor.json.healthy).toBe(true);
    // The summary counts the state as it is, not the snapshot before the journal.
    expect(doctor.json.liveOrders).toBe(3);
    expect(doctor.json.operations).toBe(6);
    const doctorText = await oms(['doctor'], { state });
    expect(doctorText.exitCode).toBe(0);
    expect(doctorText.stdout).toMatch(/healthy/);
    expect(stateFiles(state), 'doctor changes nothing').toEqual(before);
  });
});

describe.concurrent('export', () => {
  it('orders and trades as CSV on stdout and with --output; escaping and the formula guard', async () => {
    const { state, dir } = documentState();
    const sources = ['=SUM(A1:A9)', '+cmd', '-2+3', '@foo', 'a,"b"', 'plain desk', '__proto__'];
    for (const [i, source] of sources.entries()) await ok(state, ['add', String(10 + i), 'X', 'sell', '1', String(5 + i), '--source', source]);
    // Two plain orders above the rest, for the trades to take (a Sell walks from the highest price).
    await ok(state, ['add', '20', 'X', 'sell', '1', '50']);
    await ok(state, ['add', '21', 'X', 'sell', '1', '40']);
    await ok(state, ['--op-id', '=op-1', 'trade', 'X', 'sell', '1', '--client', '=HYPERLINK("http://x")']);
    await ok(state, ['trade', 'X', 'sell', '1', '--client', 'acme, inc']);

    const ordersCsv = String((await oms(['export', 'orders'], { state })).stdout);
    const lines = ordersCsv.split(/\r?\n/).filter(Boolean);
    expect(lines[0]).toBe('action,order_id,symbol,side,amount,price,source');
    const liveIds = (await ok(state, ['orders'])).orders.map((o: any) => String(o.orderId));
    expect(lines.slice(1).map((line) => line.split(',')[1]), 'book priority order').toEqual(liveIds);
    expect(lines).toContain('add,3,AMZN,Sell,7,10,');
    expect(lines).toContain('add,4,JPM,Buy,10,21,');
    expect(ordersCsv).toContain(",'=SUM(A1:A9)");
    expect(ordersCsv).toContain(",'+cmd");
    expect(ordersCsv).toContain(",'-2+3");
    expect(ordersCsv).toContain(",'@foo");
    expect(ordersCsv).toContain(',"a,""b"""');
    expect(ordersCsv).toContain(',plain desk');
    expect(ordersCsv).toContain(',__proto__');

    const tradesCsv = String((await oms(['export', 'trades'], { state })).stdout);
    const tradeLines = tradesCsv.split(/\r?\n/).filter(Boolean);
    expect(tradeLines[0]).toBe('trade_id,symbol,side,requested,filled,total,client,quote_id,op_id,executed_at');
    expect(tradeLines).toHaveLength(3);
    expect(tradeLines[1]).toMatch(/^1,X,Sell,1,1,50,"'=HYPERLINK\(""http:\/\/x""\)",,'=op-1,\d{4}-[\d-]+T[\d:.]+Z$/);
    expect(tradeLines[2]).toMatch(/^2,X,Sell,1,1,40,"acme, inc",,[^,]+,\d{4}-/);

    const out = path.join(dir, 'orders.csv');
    const written = await omsJson(['export', 'orders', '--output', out], { state });
    expect(written.result.exitCode).toBe(0);
    expect(written.json).toMatchObject({ exported: 'orders', rows: liveIds.length, file: out });
    // execa drops stdout's final newline; the file keeps it.
    expect(fs.readFileSync(out, 'utf8')).toBe(`${ordersCsv}\r\n`);
    const tradesOut = path.join(dir, 'trades.csv');
    const writtenText = await oms(['export', 'trades', '--output', tradesOut], { state });
    expect(writtenText.exitCode).toBe(0);
    expect(writtenText.stdout).toBe(`Exported 2 trades to ${tradesOut}`);
    expect(fs.readFileSync(tradesOut, 'utf8')).toBe(`${tradesCsv}\r\n`);
  });
});
