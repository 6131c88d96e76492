// Stored quotes (issue 17): newest first, open / expired / used judged by the
// application's clock, with the trade that used one; one quote by id.

import { describe, expect, it } from 'vitest';
import { quoteEntryJson } from '../../src/app/json.js';
import { quoteCommand, tradeQuoteCommand } from '../../src/core/commands.js';
import { OmsError } from '../../src/core/errors.js';
import { documentApp } from './helpers.js';

const T0 = Date.parse('2026-12-01T06:00:00.000Z');

async function threeQuotes() {
  let now = T0;
  const oms = await documentApp(() => now);
  // 1: traded; 2: left to expire (ttl 10 s); 3: open (ttl 60 s), for another client.
  await oms.execute(quoteCommand({ symbol: 'JPM', side: 'Buy', amount: 22, client: 'acme', ttl: 60 }));
  await oms.execute(quoteCommand({ symbol: 'JPM', side: 'Buy', amount: 5, client: 'acme', ttl: 10 }));
  now += 1000;
  await oms.execute(tradeQuoteCommand({ quoteId: 1 }));
  await oms.execute(quoteCommand({ symbol: 'AMZN', side: 'Sell', amount: 7, client: 'bob', ttl: 60 }));
  now = T0 + 30_000;
  return oms;
}

describe('quotes', () => {
  it('lists newest first with status and the trade that used one', async () => {
    const oms = await threeQuotes();
    const entries = await oms.quotes();
    expect(entries.map((entry) => [entry.quote.quoteId, entry.status])).toEqual([
      [3, 'open'],
      [2, 'expired'],
      [1, 'used'],
    ]);
    const used = entries[2]!;
    expect(used.trade).toMatchObject({ tradeId: 1, quoteId: 1, total: '442', opId: 'quote:1' });
    expect(used.quotedAt).toBe(new Date(T0).toISOString());
    expect(entries[0]!.trade).toBeNull();
  });

  it('filters by status, symbol, client, and limits after filtering', async () => {
    const oms = await threeQuotes();
    expect((await oms.quotes({ status: 'open' })).map((e) => e.quote.quoteId)).toEqual([3]);
    expect((await oms.quotes({ status: 'USED' })).map((e) => e.quote.quoteId)).toEqual([1]);
    expect((await oms.quotes({ symbol: 'jpm' })).map((e) => e.quote.quoteId)).toEqual([2, 1]);
    expect((await oms.quotes({ client: 'acme', limit: '1' })).map((e) => e.quote.quoteId)).toEqual([2]);
    await expect(oms.quotes({ status: 'stale' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'status' } });
  });

  it('one quote by id, QUOTE_NOT_FOUND for an unknown one', async () => {
    const oms = await threeQuotes();
    const entry = await oms.quote('1');
    expect(quoteEntryJson(entry)).toMatchObject({ quoteId: 1, status: 'used', averagePrice: '20.09090909', trade: { tradeId: 1, averagePrice: '20.09090909' } });
    expect(Object.keys(quoteEntryJson(entry)).slice(-3)).toEqual(['quotedAt', 'status', 'trade']);
    const missing = await oms.quote(9).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OmsError);
    expect(missing).toMatchObject({ code: 'QUOTE_NOT_FOUND' });
  });

  it('an empty state has none', async () => {
    const oms = await documentApp();
    expect(await oms.quotes()).toEqual([]);
  });
});
