// The store contract (SPEC §8): the same operations give the same results and
// the same final state on every store in CONTRACT_STORES — ids, prices,
// fills, replays, conflicts, quotes, batches, history order, reopening, and
// two stores open on one state. Only the StateStore interface is used: no
// file, lock or table is named here.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mutationJson } from '../../src/app/json.js';
import { addCommand, modifyCommand, quoteCommand, removeCommand, tradeCommand, tradeQuoteCommand, type Command } from '../../src/core/commands.js';
import { OmsError } from '../../src/core/errors.js';
import type { Outcome } from '../../src/core/ledger.js';
import { openStore } from '../../src/store/open.js';
import type { StateStore } from '../../src/store/store.js';
import { CONTRACT_STORES } from './stores.js';

const START = Date.parse('2026-01-02T03:04:05.000Z');
const at = (ms: number): string => new Date(ms).toISOString();

/** The requirement document's book: #1 JPM Buy 20 @ 20, #2 GOOG Sell 12 @ 25, #3 AMZN Sell 7 @ 10, #4 JPM Buy 10 @ 21. */
const DOCUMENT_BOOK = [
  addCommand({ orderId: 1, symbol: 'JPM', side: 'Buy', amount: 20, price: '20' }),
  addCommand({ orderId: 2, symbol: 'GOOG', side: 'Sell', amount: 12, price: '25', source: 'desk-b' }),
  addCommand({ orderId: 3, symbol: 'AMZN', side: 'Sell', amount: 7, price: '10' }),
  addCommand({ orderId: 4, symbol: 'JPM', side: 'Buy', amount: 10, price: '21' }),
];

/** JPM Buy 22 on that book, as priced, quoted and traded: #1's 20 @ 20, then 2 of #4 @ 21. */
const JPM_BUY_22 = {
  symbol: 'JPM',
  side: 'Buy',
  requested: 22,
  filled: 22,
  total: '442',
  partial: false,
  fills: [
    { orderId: 1, amount: 20, price: '20' },
    { orderId: 4, amount: 2, price: '21' },
  ],
};

async function refusal(promise: Promise<unknown>): Promise<OmsError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OmsError);
  return error as OmsError;
}

describe.each(CONTRACT_STORES)('store contract: $name', (entry) => {
  let now = START;
  let location: string;
  let cleanup: () => Promise<void>;
  const opened: StateStore[] = [];

  const open = async (): Promise<StateStore> => {
    const store = await openStore(location, { ...entry.options, clock: () => now, notice: () => {} });
    opened.push(store);
    return store;
  };
  const run = (store: StateStore, command: Command, opId?: string): Promise<Outcome> => store.write((tx) => tx.execute(command, opId));
  const seedBook = async (store: StateStore): Promise<void> => {
    for (const [i, command] of DOCUMENT_BOOK.entries()) await run(store, command, `add-${i + 1}`);
  };
  const seqOf = async (store: StateStore): Promise<number> => (await store.status()).seq;

  beforeEach(async () => {
    now = START;
    ({ location, cleanup } = await entry.create());
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    await cleanup();
  });

  describe('every operation', () => {
    it('add, price, quote, trade a quote, trade now, modify, remove: the documented results', async () => {
      const store = await open();
      const added = await run(store, DOCUMENT_BOOK[0]!, 'add-1');
      expect(added.status).toBe('applied');
      expect(mutationJson(added)).toEqual({
        opId: 'add-1',
        replayed: false,
        order: { orderId: 1, symbol: 'JPM', side: 'Buy', amount: 20, price: '20', source: null, acceptedAt: at(START) },
      });
      for (const [i, command] of DOCUMENT_BOOK.slice(1).entries()) await run(store, command, `add-${i + 2}`);

      const view = await store.read();
      expect(view.price('JPM', 'Buy', 20, false).total).toBe('400');
      expect(view.price('JPM', 'Buy', 10, false).total).toBe('200');
      expect(view.price('JPM', 'Buy', 22, false)).toEqual(JPM_BUY_22);

      now += 1000;
      const quoted = await run(store, quoteCommand({ symbol: 'JPM', side: 'Buy', amount: 22, client: 'acme', ttl: 60 }), 'q-1');
      expect(mutationJson(quoted)).toEqual({
        ...JPM_BUY_22,
        quoteId: 1,
        opId: 'q-1',
        client: 'acme',
        expiresAt: at(START + 61_000),
        averagePrice: '20.09090909',
        replayed: false,
      });

      now += 1000;
      const traded = await run(store, tradeQuoteCommand({ quoteId: 1 }));
      expect(mutationJson(traded)).toEqual({
        opId: 'quote:1',
        replayed: false,
        trade: {
          tradeId: 1,
          ...JPM_BUY_22,
          client: 'acme',
          quoteId: 1,
          opId: 'quote:1',
          executedAt: at(START + 2000),
          averagePrice: '20.09090909',
        },
      });

      const now2 = await run(store, tradeCommand({ symbol: 'GOOG', side: 'Sell', amount: 20, client: null, partial: true }), 't-2');
      expect(mutationJson(now2)).toMatchObject({ opId: 't-2', trade: { tradeId: 2, filled: 12, total: '300', partial: true, quoteId: null } });

      const modified = await run(store, modifyCommand({ orderId: 4, price: '22.5' }), 'm-4');
      expect(mutationJson(modified)).toEqual({
        opId: 'm-4',
        replayed: false,
        order: { orderId: 4, symbol: 'JPM', side: 'Buy', amount: 8, price: '22.5', source: null, acceptedAt: at(START) },
        removed: false,
      });
      const removed = await run(store, removeCommand({ orderId: 3 }), 'r-3');
      expect(mutationJson(removed)).toEqual({ opId: 'r-3', replayed: false, removed: true });
      const zeroed = await run(store, modifyCommand({ orderId: 4, amount: 0 }), 'm-4b');
      expect(mutationJson(zeroed)).toEqual({ opId: 'm-4b', replayed: false, order: null, removed: true });

      const after = await store.read();
      expect(after.orderCount).toBe(0);
      expect(Array.from(after.orders())).toEqual([]);
      expect(await after.orderStatus(1)).toMatchObject({ status: 'filled', endedBy: { opId: 'quote:1', tradeId: 1 } });
      expect(await after.orderStatus(2)).toMatchObject({ status: 'filled', order: { source: 'desk-b' }, endedBy: { opId: 't-2', tradeId: 2 } });
      expect(await after.orderStatus(3)).toMatchObject({ status: 'removed', endedBy: { opId: 'r-3', tradeId: null } });
      expect(await after.orderStatus(4)).toMatchObject({ status: 'removed', endedBy: { opId: 'm-4b' } });
      expect((await refusal(after.orderStatus(5))).code).toBe('ORDER_NOT_FOUND');
      expect(await store.status()).toMatchObject({ exists: true, convention: 'document', seq: 10, operations: 10, liveOrders: 0, trades: 2, quotes: 1, symbols: ['AMZN', 'GOOG', 'JPM'] });
    });

    it('reads: orders in book priority order (symbols A-Z), books by level, read-only copies', async () => {
      const store = await open();
      await seedBook(store);
      await run(store, addCommand({ orderId: 5, symbol: 'JPM', side: 'Buy', amount: 5, price: '20' }), 'add-5');
      const view = await store.read({ symbol: 'JPM' });
      expect(Array.from(view.orders({ symbol: 'JPM' }), (order) => order.orderId)).toEqual([1, 5, 4]);
      expect(Array.from((await store.read()).orders(), (order) => order.orderId)).toEqual([3, 2, 1, 5, 4]);
      expect(view.book('JPM', { depth: 1 })).toEqual({
        symbol: 'JPM',
        convention: 'document',
        bestBid: '21',
        bestAsk: null,
        spread: null,
        buy: [{ price: '20', amount: '25', orderCount: 2 }],
        sell: [],
      });
      const order = view.order(1)!;
      order.amount = 999;
      expect((await store.read()).order(1)?.amount).toBe(20);
      expect(view.symbols()).toEqual(['AMZN', 'GOOG', 'JPM']);
    });

    it('init: a convention is chosen once; a first write creates a state with the default', async () => {
      const store = await open();
      expect(await store.init('market')).toEqual({ created: true, convention: 'market' });
      expect(await store.init('market')).toEqual({ created: false, convention: 'market' });
      expect((await refusal(store.init('document'))).code).toBe('INVALID_ARGUMENT');
      await seedBook(store);
      // Market: a Buy request walks the Sell side from the lowest price up.
      expect((await store.read()).price('AMZN', 'Buy', 7, false).total).toBe('70');
      expect((await store.status()).convention).toBe('market');
    });

    it('a missing state reads as empty, and a rejected first write creates nothing', async () => {
      const store = await open();
      expect((await store.read()).orderCount).toBe(0);
      expect(await store.status()).toMatchObject({ exists: false, seq: 0, liveOrders: 0 });
      expect((await refusal(run(store, removeCommand({ orderId: 1 })))).code).toBe('ORDER_NOT_FOUND');
      expect((await store.status()).exists).toBe(false);
      const history = [];
      for await (const record of store.history()) history.push(record);
      expect(history).toEqual([]);
    });
  });

  describe('replays and natural reruns', () => {
    it('the same op id with the same command returns the original result and changes nothing', async () => {
      const store = await open();
      await seedBook(store);
      const seq = await seqOf(store);
      now += 5000;
      const again = await run(store, DOCUMENT_BOOK[1]!, 'add-2');
      expect(again.status).toBe('replayed');
      expect(mutationJson(again)).toEqual({
        opId: 'add-2',
        replayed: true,
        order: { orderId: 2, symbol: 'GOOG', side: 'Sell', amount: 12, price: '25', source: 'desk-b', acceptedAt: at(START) },
      });
      const trade = await run(store, tradeCommand({ symbol: 'JPM', side: 'Buy', amount: 5, client: null, partial: false }), 'once');
      const rerun = await run(store, tradeCommand({ symbol: 'JPM', side: 'Buy', amount: 5, client: null, partial: false }), 'once');
      expect(rerun.status).toBe('replayed');
      expect(mutationJson(rerun)).toEqual({ ...mutationJson(trade), replayed: true });
      expect(await seqOf(store)).toBe(seq + 1);
    });

    it('an add with the fields it had is a replay under any op id; a gone order removed again is unchanged', async () => {
      const store = await open();
      await seedBook(store);
      const replay = await run(store, DOCUMENT_BOOK[0]!, 'another-id');
      expect(replay).toMatchObject({ status: 'replayed', opId: 'add-1' });
      await run(store, removeCommand({ orderId: 3 }), 'r-3');
      const seq = await seqOf(store);
      const gone = await run(store, removeCommand({ orderId: 3 }));
      expect(gone.status).toBe('unchanged');
      expect(mutationJson(gone)).toMatchObject({ replayed: false, removed: false });
      expect(gone.notice).toContain('order 3 was removed');
      const same = await run(store, modifyCommand({ orderId: 1, amount: 20, price: '20' }));
      expect(same.status).toBe('unchanged');
      // A removed order added again with its old fields is still a replay: ids are never reused.
      expect((await run(store, DOCUMENT_BOOK[2]!)).status).toBe('replayed');
      expect(await seqOf(store)).toBe(seq);
    });
  });

  describe('conflicts and rejections record nothing', () => {
    it('op id reused for something else, duplicate order id, unknown order, not enough liquidity', async () => {
      const store = await open();
      await seedBook(store);
      const seq = await seqOf(store);
      expect((await refusal(run(store, removeCommand({ orderId: 1 }), 'add-1'))).code).toBe('OP_ID_CONFLICT');
      const duplicate = await refusal(run(store, addCommand({ orderId: 1, symbol: 'JPM', side: 'Buy', amount: 1, price: '1' })));
      expect(duplicate.code).toBe('DUPLICATE_ORDER_ID');
      expect(duplicate.details).toMatchObject({ field: 'orderId', value: '1' });
      await run(store, removeCommand({ orderId: 3 }), 'r-3');
      expect((await refusal(run(store, addCommand({ orderId: 3, symbol: 'AMZN', side: 'Sell', amount: 8, price: '10' })))).code).toBe('DUPLICATE_ORDER_ID');
      expect((await refusal(run(store, modifyCommand({ orderId: 3, amount: 1 })))).code).toBe('ORDER_NOT_FOUND');
      expect((await refusal(run(store, removeCommand({ orderId: 42 })))).code).toBe('ORDER_NOT_FOUND');
      const short = await refusal(run(store, tradeCommand({ symbol: 'JPM', side: 'Buy', amount: 31, client: null, partial: false })));
      expect(short.code).toBe('INSUFFICIENT_LIQUIDITY');
      expect(await seqOf(store)).toBe(seq + 1);
      // A rejected id is not recorded: fixing the input and retrying with it works.
      expect((await run(store, tradeCommand({ symbol: 'JPM', side: 'Buy', amount: 30, client: null, partial: false }), 'short')).status).toBe('applied');
    });
  });

  describe('quotes', () => {
    it('execute once, expire, refuse a book that moved, and must exist', async () => {
      const store = await open();
      await seedBook(store);
      const quote = (opId: string, ttl = 30) => run(store, quoteCommand({ symbol: 'JPM', side: 'Buy', amount: 5, client: null, ttl }), opId);
      expect(mutationJson(await quote('q-1'))).toMatchObject({ quoteId: 1, total: '100' });
      await run(store, tradeQuoteCommand({ quoteId: 1 }));
      // Traded again under its natural op id: a replay; under another id: used.
      expect((await run(store, tradeQuoteCommand({ quoteId: 1 }))).status).toBe('replayed');
      expect((await refusal(run(store, tradeQuoteCommand({ quoteId: 1 }), 'other'))).code).toBe('QUOTE_USED');

      expect(mutationJson(await quote('q-2', 10))).toMatchObject({ quoteId: 2 });
      now += 10_000;
      expect((await refusal(run(store, tradeQuoteCommand({ quoteId: 2 })))).code).toBe('QUOTE_EXPIRED');

      expect(mutationJson(await quote('q-3'))).toMatchObject({ quoteId: 3, total: '100' });
      await run(store, modifyCommand({ orderId: 1, price: '19' }), 'move');
      const moved = await refusal(run(store, tradeQuoteCommand({ quoteId: 3 })));
      expect(moved.code).toBe('PRICE_MOVED');
      expect(moved.message).toContain('the book now gives 5 for 95');

      expect((await refusal(run(store, tradeQuoteCommand({ quoteId: 99 })))).code).toBe('QUOTE_NOT_FOUND');
      expect(await store.status()).toMatchObject({ quotes: 3, trades: 1 });
    });

    it('quotes(): newest first with the operation that executed each, by id, filtered and limited', async () => {
      const store = await open();
      await seedBook(store);
      for (const opId of ['q-1', 'q-2', 'q-3']) await run(store, quoteCommand({ symbol: 'JPM', side: 'Buy', amount: 5, client: opId, ttl: 30 }), opId);
      await run(store, tradeQuoteCommand({ quoteId: 2 }));
      const listed = [];
      for await (const stored of store.quotes()) listed.push([stored.quote.op, stored.executed?.op ?? null]);
      expect(listed).toEqual([
        ['q-3', null],
        ['q-2', 'quote:2'],
        ['q-1', null],
      ]);
      const one = [];
      for await (const stored of store.quotes({ quoteId: 2 })) one.push(stored);
      expect(one).toHaveLength(1);
      expect(one[0]!.quote.res).toMatchObject({ quoteId: 2, client: 'q-2' });
      expect(one[0]!.executed?.res).toMatchObject({ tradeId: 1, quoteId: 2 });
      const none = [];
      for await (const stored of store.quotes({ quoteId: 9 })) none.push(stored);
      expect(none).toEqual([]);
      const unused = [];
      for await (const stored of store.quotes({ filter: (s) => s.executed === null, limit: 1 })) unused.push(stored.quote.op);
      expect(unused).toEqual(['q-3']);
    });
  });

  describe('batches', () => {
    it('atomic: all operations commit together, and a later command sees an earlier one', async () => {
      const store = await open();
      const outcomes = await store.write(
        async (tx) => {
          const results: Outcome[] = [];
          for (const [i, command] of DOCUMENT_BOOK.entries()) results.push(await tx.execute(command, `b-${i + 1}`));
          results.push(await tx.execute(DOCUMENT_BOOK[0]!, 'b-again'));
          results.push(await tx.execute(removeCommand({ orderId: 3 }), 'b-r3'));
          results.push(await tx.execute(removeCommand({ orderId: 3 }), 'b-r3-again'));
          results.push(await tx.execute(tradeCommand({ symbol: 'JPM', side: 'Buy', amount: 22, client: null, partial: false }), 'b-t'));
          expect(tx.view.order(1)).toBeUndefined();
          expect((await tx.view.orderStatus(1)).status).toBe('filled');
          return results;
        },
        { atomic: true, batchName: 'contract' },
      );
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'replayed', 'applied', 'unchanged', 'applied']);
      expect(outcomes[4]!.opId).toBe('b-1');
      const view = await store.read();
      expect(Array.from(view.orders(), (order) => [order.orderId, order.amount])).toEqual([
        [2, 12],
        [4, 8],
      ]);
      expect((await store.status()).operations).toBe(6);
    });

    it('atomic: a batch whose work fails leaves no trace, and the next write builds on the state before it', async () => {
      const store = await open();
      await seedBook(store);
      const seq = await seqOf(store);
      const failure = await refusal(
        store.write(
          async (tx) => {
            await tx.execute(addCommand({ orderId: 5, symbol: 'IBM', side: 'Buy', amount: 1, price: '1' }), 'x-5');
            await tx.execute(tradeCommand({ symbol: 'JPM', side: 'Buy', amount: 25, client: null, partial: false }), 'x-t');
            await tx.execute(removeCommand({ orderId: 99 }), 'x-r');
          },
          { atomic: true },
        ),
      );
      expect(failure.code).toBe('ORDER_NOT_FOUND');
      expect(await seqOf(store)).toBe(seq);
      const view = await store.read();
      expect(view.order(5)).toBeUndefined();
      expect(view.order(1)?.amount).toBe(20);
      expect(view.symbols()).not.toContain('IBM');
      // Nothing of the batch is remembered: its op ids and order id are free.
      expect((await run(store, addCommand({ orderId: 5, symbol: 'IBM', side: 'Sell', amount: 2, price: '3' }), 'x-t')).status).toBe('applied');
      expect((await store.read()).price('JPM', 'Buy', 30, false).total).toBe('610');
    });

    it('a rejection inside a batch can be set aside: the rest commits', async () => {
      const store = await open();
      await store.write(
        async (tx) => {
          await tx.execute(DOCUMENT_BOOK[0]!, 'a');
          await expect(tx.execute(removeCommand({ orderId: 9 }), 'b')).rejects.toThrow(OmsError);
          await tx.execute(DOCUMENT_BOOK[1]!, 'c');
        },
        { atomic: true },
      );
      expect(Array.from((await store.read()).orders(), (order) => order.orderId)).toEqual([2, 1]);
      expect((await run(store, removeCommand({ orderId: 1 }), 'b')).status).toBe('applied');
    });

    it('executeAll decides commands in order, each seeing the earlier ones; a rejection leaves the rest be', async () => {
      const store = await open();
      await seedBook(store);
      const given: Array<[Command, string]> = [
        [addCommand({ orderId: 5, symbol: 'JPM', side: 'Sell', amount: 5, price: '30' }), 'g-5'],
        [addCommand({ orderId: 5, symbol: 'JPM', side: 'Sell', amount: 6, price: '30' }), 'g-5-other'],
        [DOCUMENT_BOOK[0]!, 'g-replay'],
        [removeCommand({ orderId: 9 }), 'g-r9'],
        [tradeCommand({ symbol: 'JPM', side: 'Buy', amount: 25, client: null, partial: false }), 'g-t'],
        [removeCommand({ orderId: 1 }), 'g-r1'],
        [addCommand({ orderId: 6, symbol: 'IBM', side: 'Buy', amount: 1, price: '1' }), 'g-5'],
        [modifyCommand({ orderId: 5, amount: 2 }), 'g-m5'],
      ];
      const executed = await store.write((tx) => tx.executeAll(given.map(([command, opId]) => ({ command, opId }))));
      const summary = executed.map((result) => ('outcome' in result ? result.outcome.status : (result.error as OmsError).code));
      expect(summary).toEqual(['applied', 'DUPLICATE_ORDER_ID', 'replayed', 'ORDER_NOT_FOUND', 'applied', 'unchanged', 'OP_ID_CONFLICT', 'applied']);
      const view = await store.read();
      expect(Array.from(view.orders(), (order) => [order.orderId, order.amount])).toEqual([
        [3, 7],
        [2, 12],
        [4, 5],
        [5, 2],
      ]);
      expect(await seqOf(store)).toBe(DOCUMENT_BOOK.length + 3);
    });

    it('dry run: every check runs and every result is given, but nothing is committed', async () => {
      const store = await open();
      await seedBook(store);
      const seq = await seqOf(store);
      const outcomes = await store.write(
        async (tx) => [
          await tx.execute(addCommand({ orderId: 5, symbol: 'IBM', side: 'Buy', amount: 1, price: '1' }), 'd-5'),
          await tx.execute(DOCUMENT_BOOK[0]!, 'add-1'),
          await tx.execute(tradeCommand({ symbol: 'JPM', side: 'Buy', amount: 22, client: null, partial: false }), 'd-t'),
        ],
        { dryRun: true },
      );
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['applied', 'replayed', 'applied']);
      expect(mutationJson(outcomes[2]!)).toMatchObject({ trade: { tradeId: 1, total: '442' } });
      expect(await seqOf(store)).toBe(seq);
      expect((await store.read()).order(5)).toBeUndefined();
      expect((await run(store, addCommand({ orderId: 5, symbol: 'IBM', side: 'Buy', amount: 1, price: '1' }), 'd-5')).status).toBe('applied');
      expect((await store.status()).trades).toBe(0);
    });

    it('a dry run on a missing state leaves none behind', async () => {
      const store = await open();
      await store.write((tx) => tx.execute(DOCUMENT_BOOK[0]!), { dryRun: true });
      expect((await store.status()).exists).toBe(false);
    });
  });

  describe('history', () => {
    it('newest first, with a limit and a filter, each record as committed', async () => {
      const store = await open();
      await seedBook(store);
      now += 1000;
      await run(store, tradeCommand({ symbol: 'JPM', side: 'Buy', amount: 1, client: 'x', partial: false }), 't-1');
      await run(store, removeCommand({ orderId: 3 }), 'r-3');
      const all = [];
      for await (const record of store.history()) all.push(record);
      expect(all.map((record) => record.op)).toEqual(['r-3', 't-1', 'add-4', 'add-3', 'add-2', 'add-1']);
      expect(all.map((record) => record.seq)).toEqual([6, 5, 4, 3, 2, 1]);
      expect(all[1]).toMatchObject({ at: START + 1000, cmd: { type: 'trade', symbol: 'JPM' }, res: { tradeId: 1, total: '20' } });
      const limited = [];
      for await (const record of store.history({ limit: 2 })) limited.push(record.op);
      expect(limited).toEqual(['r-3', 't-1']);
      const adds = [];
      for await (const record of store.history({ limit: 3, filter: (record) => record.cmd.type === 'add' })) adds.push(record.op);
      expect(adds).toEqual(['add-4', 'add-3', 'add-2']);
      const kinds = [];
      for await (const record of store.history({ kinds: ['remove', 'trade'] })) kinds.push(record.op);
      expect(kinds).toEqual(['r-3', 't-1']);
      const both = [];
      for await (const record of store.history({ kinds: ['add'], limit: 2, filter: (record) => record.op !== 'add-4' })) both.push(record.op);
      expect(both).toEqual(['add-3', 'add-2']);
    });
  });

  describe('reopening', () => {
    it('a store opened later sees everything and remembers op ids, order ids and quotes', async () => {
      const first = await open();
      await seedBook(first);
      await run(first, quoteCommand({ symbol: 'GOOG', side: 'Sell', amount: 2, client: null, ttl: 600 }), 'q');
      await run(first, removeCommand({ orderId: 3 }), 'r-3');
      await first.close();

      const later = await open();
      expect(await later.status()).toMatchObject({ seq: 6, liveOrders: 3, quotes: 1 });
      expect((await run(later, DOCUMENT_BOOK[3]!, 'add-4')).status).toBe('replayed');
      expect((await run(later, DOCUMENT_BOOK[2]!, 'fresh'))).toMatchObject({ status: 'replayed', opId: 'add-3' });
      expect((await refusal(run(later, addCommand({ orderId: 3, symbol: 'AMZN', side: 'Sell', amount: 1, price: '10' })))).code).toBe('DUPLICATE_ORDER_ID');
      expect((await (await later.read()).orderStatus(3)).status).toBe('removed');
      expect(mutationJson(await run(later, tradeQuoteCommand({ quoteId: 1 })))).toMatchObject({ trade: { quoteId: 1, total: '50' } });
      expect(mutationJson(await run(later, quoteCommand({ symbol: 'JPM', side: 'Buy', amount: 1, client: null, ttl: 60 }), 'q2'))).toMatchObject({ quoteId: 2 });
    });
  });

  describe('two stores open on one state', () => {
    it('each sees what the other committed, before its next read or write', async () => {
      const a = await open();
      const b = await open();
      await run(a, DOCUMENT_BOOK[0]!, 'add-1');
      expect((await b.read()).order(1)).toMatchObject({ amount: 20 });
      await run(b, DOCUMENT_BOOK[3]!, 'add-4');
      expect(Array.from((await a.read()).orders(), (order) => order.orderId)).toEqual([1, 4]);

      // Op ids, order ids and quotes are shared.
      expect((await run(b, DOCUMENT_BOOK[0]!, 'add-1')).status).toBe('replayed');
      expect((await refusal(run(a, removeCommand({ orderId: 4 }), 'add-4'))).code).toBe('OP_ID_CONFLICT');
      await run(a, quoteCommand({ symbol: 'JPM', side: 'Buy', amount: 25, client: null, ttl: 60 }), 'q');
      expect(mutationJson(await run(b, tradeQuoteCommand({ quoteId: 1 })))).toMatchObject({ trade: { tradeId: 1, total: '505' } });
      expect((await refusal(run(a, tradeQuoteCommand({ quoteId: 1 }), 'again'))).code).toBe('QUOTE_USED');
      await run(a, removeCommand({ orderId: 4 }), 'r-4');
      expect((await run(b, removeCommand({ orderId: 4 }))).status).toBe('unchanged');

      const ids = async (store: StateStore): Promise<number[]> => Array.from((await store.read()).orders(), (order) => order.orderId);
      expect(await ids(a)).toEqual([]);
      expect(await ids(b)).toEqual([]);
      expect(await a.status()).toMatchObject({ seq: 5, operations: 5, trades: 1, quotes: 1 });
      expect(await b.status()).toMatchObject({ seq: 5, operations: 5, trades: 1, quotes: 1 });
    });

    it('writes from both, interleaved, lose nothing', async () => {
      const a = await open();
      const b = await open();
      const writes = [];
      for (let id = 1; id <= 20; id++) {
        const store = id % 2 ? a : b;
        writes.push(run(store, addCommand({ orderId: id, symbol: 'SYM', side: 'Sell', amount: id, price: String(100 + id) }), `w-${id}`));
      }
      await Promise.all(writes);
      const view = await a.read();
      expect(view.orderCount).toBe(20);
      expect(Array.from(view.orders(), (order) => order.orderId)).toEqual(Array.from({ length: 20 }, (_, i) => 20 - i));
      const ops = new Set<string>();
      for await (const record of b.history()) ops.add(record.op);
      expect(ops.size).toBe(20);
    });
  });
});
