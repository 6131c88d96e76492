// Stored quotes for people (`oms quotes`): one row each, its state now
// (open, expired, used) and the trade that used it.

import type { QuoteEntry } from '../app/oms.js';
import type { TextStyle } from './style.js';
import { renderTable } from './table.js';
import { executionCells, executionColumns } from './views.js';

function statusWord(style: TextStyle, entry: QuoteEntry): string {
  if (entry.status === 'open') return style.theme.good('open');
  return entry.status === 'used' ? 'used' : style.theme.warn('expired');
}

export function quotesText(style: TextStyle, entries: QuoteEntry[]): string | Promise<string> {
  if (entries.length === 0) return style.theme.dim('no quotes');
  return renderTable(
    style,
    [...executionColumns('Quote'), { title: 'Expires' }, { title: 'Status' }, { title: 'Trade', align: 'right' }],
    entries.map((entry) => [
      ...executionCells(style, entry.quote.quoteId, entry.quote),
      entry.quote.expiresAt,
      statusWord(style, entry),
      entry.trade === null ? '' : String(entry.trade.tradeId),
    ]),
  );
}

/** One quote: its row, then when it was made and what it is now, in words. */
export async function quoteEntryText(style: TextStyle, entry: QuoteEntry): Promise<string> {
  const table = await quotesText(style, [entry]);
  const trade = entry.trade;
  const now =
    entry.status === 'used' && trade
      ? `Used by trade ${trade.tradeId} at ${trade.executedAt} (operation ${trade.opId}).`
      : entry.status === 'open'
        ? `Open until ${entry.quote.expiresAt}. To trade it: oms trade --quote ${entry.quote.quoteId}`
        : `Expired at ${entry.quote.expiresAt}.`;
  return `${table}\nQuoted at ${entry.quotedAt}. ${now}`;
}
