// Stored quotes out of what every store already has: the history (quote
// operations, newest first) and the archive (`q:<id>` stored, `x:<id>`
// executed). The file store answers `StateStore.quotes` with this; a store
// with a quotes table answers with one query instead.

import type { Archive, OperationRecord } from '../core/ledger.js';
import type { HistoryQuery, QuotesQuery, StoredQuote } from './store.js';

interface QuoteSources {
  history(query?: HistoryQuery): AsyncIterable<OperationRecord>;
}

function quoteIdOf(record: OperationRecord): number {
  return (record.res as { quoteId: number }).quoteId;
}

export async function* quotesFromHistory(store: QuoteSources, archive: Archive, query: QuotesQuery = {}): AsyncGenerator<StoredQuote> {
  let left = query.limit ?? Infinity;
  if (left <= 0) return;
  const accept = (stored: StoredQuote): boolean => query.filter === undefined || query.filter(stored);
  if (query.quoteId !== undefined) {
    const facts = await archive.fetch([`q:${query.quoteId}`, `x:${query.quoteId}`]);
    const quote = facts.get(`q:${query.quoteId}`);
    if (quote?.cmd.type !== 'quote') return;
    const stored = { quote, executed: facts.get(`x:${query.quoteId}`) ?? null };
    if (accept(stored)) yield stored;
    return;
  }
  for await (const quote of store.history({ filter: (record) => record.cmd.type === 'quote' })) {
    const key = `x:${quoteIdOf(quote)}`;
    const stored = { quote, executed: (await archive.fetch([key])).get(key) ?? null };
    if (!accept(stored)) continue;
    yield stored;
    if (--left <= 0) return;
  }
}
