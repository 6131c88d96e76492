// The reads a PostgreSQL state answers with queries instead of memory: the
// state row, past operations by key (the archive the ledger consults), the
// live orders of some books, operations after a sequence number (catching
// up), and history pages. Each is one round trip.

import type pg from 'pg';
import type { LedgerCounters, OperationRecord } from '../../core/ledger.js';
import type { Convention, Side } from '../../core/types.js';
import { quoted, statementName } from './location.js';
import { OPERATION_COLUMNS, recordFromRow, type OperationRow } from './records.js';

export interface StateRow {
  convention: Convention;
  createdAt: string;
  counters: LedgerCounters;
  liveOrders: number;
}

/**
 * Runs `send`, which queues queries on a pipelined connection, so that they
 * leave in one write to the socket (one packet for the server to read)
 * instead of one each.
 */
export function together<T>(client: pg.ClientBase, send: () => T): T {
  const stream = (client as unknown as { connection?: { stream?: { cork?(): void; uncork?(): void } } }).connection?.stream;
  stream?.cork?.();
  try {
    return send();
  } finally {
    stream?.uncork?.();
  }
}

/** The select that reads the state row (named: prepared once per connection). */
export function stateRowSql(schema: string): pg.QueryConfig {
  return {
    name: statementName('state_row', schema),
    text: `select convention, created_at, seq, operations, trades, quotes, live_orders, next_trade_id, next_quote_id from ${quoted(schema)}.state`,
  };
}

export function stateRowFrom(row: Record<string, string> | undefined): StateRow | undefined {
  if (!row) return undefined;
  return {
    convention: row.convention as Convention,
    createdAt: new Date(row.created_at as unknown as Date).toISOString(),
    liveOrders: Number(row.live_orders),
    counters: {
      seq: Number(row.seq),
      operations: Number(row.operations),
      trades: Number(row.trades),
      quotes: Number(row.quotes),
      nextTradeId: Number(row.next_trade_id),
      nextQuoteId: Number(row.next_quote_id),
    },
  };
}

export async function readStateRow(client: pg.ClientBase, schema: string): Promise<StateRow | undefined> {
  return stateRowFrom((await client.query<Record<string, string>>(stateRowSql(schema))).rows[0]);
}

/** Creates the state row of a new state, stamped with the database's time. */
export async function createStateRow(client: pg.ClientBase, schema: string, convention: Convention): Promise<void> {
  await client.query(`insert into ${quoted(schema)}.state (convention, created_at) values ($1, now())`, [convention]);
}

/**
 * The records behind archive keys (`o:<opId>`, `i:<orderId>` added,
 * `e:<orderId>` ended, `q:<quoteId>` quoted, `x:<quoteId>` executed), in one
 * query. Keys with nothing behind them are absent from the map.
 */
export async function fetchKeys(client: pg.ClientBase, schema: string, keys: readonly string[]): Promise<Map<string, OperationRecord>> {
  const found = new Map<string, OperationRecord>();
  const lists = new Map<string, string[]>();
  for (const key of keys) {
    const kind = key.slice(0, 1);
    const value = key.slice(2);
    // Ids are numbers: a key that is not one cannot match (and must not reach a bigint cast).
    if (!(kind in KEY_SOURCES) || (kind !== 'o' && !/^\d{1,18}$/.test(value))) continue;
    const list = lists.get(kind) ?? [];
    list.push(value);
    lists.set(kind, list);
  }
  if (lists.size === 0) return found;
  const kinds = [...lists.keys()].sort();
  const s = quoted(schema);
  const text = kinds.map((kind, i) => KEY_SOURCES[kind as keyof typeof KEY_SOURCES](s, `$${i + 1}`)).join('\nunion all\n');
  // Named, so each connection prepares each shape of lookup once: parsing and planning cost more than running it.
  const { rows } = await client.query<OperationRow & { key: string }>({ name: statementName(`keys_${kinds.join('')}`, schema), text, values: kinds.map((kind) => lists.get(kind)) });
  for (const row of rows) found.set(row.key, recordFromRow(row));
  return found;
}

/** Where each kind of archive key is found, as a select of (key, operation) for a parameter list. */
const KEY_SOURCES = {
  o: (s: string, p: string) => `select 'o:' || o.op_id as key, ${OPERATION_COLUMNS} from ${s}.operations o where o.op_id = any(${p}::text[])`,
  i: (s: string, p: string) =>
    `select 'i:' || x.order_id as key, ${OPERATION_COLUMNS} from ${s}.orders x join ${s}.operations o on o.seq = x.added_seq where x.order_id = any(${p}::bigint[])`,
  e: (s: string, p: string) =>
    `select 'e:' || x.order_id as key, ${OPERATION_COLUMNS} from ${s}.orders x join ${s}.operations o on o.seq = x.ended_seq where x.order_id = any(${p}::bigint[])`,
  q: (s: string, p: string) =>
    `select 'q:' || x.quote_id as key, ${OPERATION_COLUMNS} from ${s}.quotes x join ${s}.operations o on o.seq = x.seq where x.quote_id = any(${p}::bigint[])`,
  x: (s: string, p: string) =>
    `select 'x:' || x.quote_id as key, ${OPERATION_COLUMNS} from ${s}.quotes x join ${s}.operations o on o.seq = x.executed_seq where x.quote_id = any(${p}::bigint[])`,
};

export interface LiveOrderRow {
  orderId: number;
  symbol: string;
  side: Side;
  amount: number;
  price: string;
  source: string | null;
  acceptedAt: number;
}

/**
 * The live orders of some books (all books when `symbols` is undefined), by
 * symbol in the order they queued: restoring them one after another rebuilds
 * each price level's priority.
 */
export async function loadLiveOrders(client: pg.ClientBase, schema: string, symbols: readonly string[] | undefined): Promise<Iterable<LiveOrderRow>> {
  const filter = symbols ? 'and symbol = any($1::text[])' : '';
  const { rows } = await client.query({
    text: `select order_id, symbol, side, amount, price, source, (extract(epoch from accepted_at) * 1000)::bigint
           from ${quoted(schema)}.orders where ended_seq is null ${filter} order by symbol, queue_seq`,
    values: symbols ? [symbols] : [],
    rowMode: 'array',
  });
  return liveOrderRows(rows as string[][]);
}

/** Rows as orders one at a time: every book at once is millions of rows, so no second array of them. */
function* liveOrderRows(rows: string[][]): Generator<LiveOrderRow> {
  for (const row of rows) {
    yield {
      orderId: Number(row[0]),
      symbol: row[1] as string,
      side: row[2] as Side,
      amount: Number(row[3]),
      price: row[4] as string,
      source: (row[5] ?? null) as string | null,
      acceptedAt: Number(row[6]),
    };
  }
}

/** Symbols of those orders that are live now. */
export async function liveSymbolsOf(client: pg.ClientBase, schema: string, orderIds: readonly number[]): Promise<string[]> {
  if (orderIds.length === 0) return [];
  const { rows } = await client.query<{ symbol: string }>(
    `select distinct symbol from ${quoted(schema)}.orders where order_id = any($1::bigint[]) and ended_seq is null`,
    [orderIds],
  );
  return rows.map((row) => row.symbol);
}

/** Operations with seq in (after, upTo], oldest first. */
export async function operationsAfter(client: pg.ClientBase, schema: string, after: number, upTo: number, limit: number): Promise<OperationRecord[]> {
  const { rows } = await client.query<OperationRow>({
    name: statementName('operations_after', schema),
    text: `select ${OPERATION_COLUMNS} from ${quoted(schema)}.operations o where o.seq > $1 and o.seq <= $2 order by o.seq limit $3`,
    values: [after, upTo, limit],
  });
  return rows.map(recordFromRow);
}

/** Operations with seq below `before`, newest first; only those of some commands when `kinds` is given. */
export async function operationsBefore(
  client: pg.ClientBase,
  schema: string,
  before: number,
  limit: number,
  kinds?: readonly string[],
): Promise<OperationRecord[]> {
  // The kind is matched in the database: `trades` on a long history of adds reads no add.
  const { rows } = await client.query<OperationRow>(
    `select ${OPERATION_COLUMNS} from ${quoted(schema)}.operations o where o.seq < $1 ${kinds ? 'and o.kind = any($3::text[])' : ''} order by o.seq desc limit $2`,
    kinds ? [before, limit, kinds] : [before, limit],
  );
  return rows.map(recordFromRow);
}

/** A stored quote row: its operation's columns, then those of the operation that executed it (null while unused). */
type QuoteRow = OperationRow & { x_seq: string | null; x_op_id: string; x_at_ms: string; x_command: Record<string, unknown>; x_result: Record<string, unknown> | null; x_ended: string[] | null };

/**
 * Stored quotes with an id below `before` (or just `quoteId`), newest first,
 * each with the operation that executed it: one query over the quotes table.
 */
export async function quotesBefore(
  client: pg.ClientBase,
  schema: string,
  before: number,
  limit: number,
  quoteId?: number,
): Promise<Array<{ quote: OperationRecord; executed: OperationRecord | null }>> {
  const s = quoted(schema);
  const { rows } = await client.query<QuoteRow>(
    `select ${OPERATION_COLUMNS}, x.seq as x_seq, x.op_id as x_op_id, (extract(epoch from x.at) * 1000)::bigint as x_at_ms,
            x.command as x_command, x.result as x_result, x.ended as x_ended
       from ${s}.quotes q join ${s}.operations o on o.seq = q.seq left join ${s}.operations x on x.seq = q.executed_seq
      where q.quote_id < $1 and ($3::bigint is null or q.quote_id = $3)
      order by q.quote_id desc limit $2`,
    [before, limit, quoteId ?? null],
  );
  return rows.map((row) => ({
    quote: recordFromRow(row),
    executed:
      row.x_seq === null
        ? null
        : recordFromRow({ seq: row.x_seq, op_id: row.x_op_id, at_ms: row.x_at_ms, command: row.x_command, result: row.x_result, ended: row.x_ended }),
  }));
}
