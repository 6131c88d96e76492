// The symbols of a PostgreSQL state for `oms status`: every symbol that ever
// had an order, in the file store's order (byte order, whatever the
// database's collation). A state holds millions of orders over a few hundred
// symbols, so the list is read as a loose index scan over `orders_symbol`
// (migration 2): each step asks the index for the first symbol after the
// previous one, a few page reads per symbol whatever the number of orders.

import type pg from 'pg';
import { quoted } from './location.js';

/** The first schema version with the `orders_symbol` index. */
const INDEXED = 2;

export async function stateSymbols(client: pg.ClientBase, schema: string, version: number): Promise<string[]> {
  const s = quoted(schema);
  // A schema not upgraded yet (it is on the next write) has no index to skip along: one scan beats a scan per symbol.
  const text =
    version < INDEXED
      ? `select distinct symbol collate "C" as symbol from ${s}.orders order by 1`
      : `with recursive symbols (symbol) as (
           (select symbol collate "C" from ${s}.orders order by 1 limit 1)
           union all
           select (select o.symbol collate "C" from ${s}.orders o where o.symbol collate "C" > p.symbol order by 1 limit 1)
             from symbols p where p.symbol is not null
         )
         select symbol from symbols where symbol is not null`;
  const { rows } = await client.query<{ symbol: string }>(text);
  return rows.map((row) => row.symbol);
}
