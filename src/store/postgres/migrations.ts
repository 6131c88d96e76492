// The tables of a PostgreSQL state, as versioned SQL applied once, in order,
// by whoever opens the schema first, under the same advisory lock writers
// take, so two processes never create or upgrade a schema at once. A schema
// written by a newer oms is refused with its version, not taken for damage.
//
// `operations` is the source of truth (what the file store's journal is);
// the other tables are projections kept in the same transaction, for SQL
// users and for loading one symbol's book without replaying history.

import type pg from 'pg';
import { OmsError } from '../../core/errors.js';
import { channelOf } from './commit-watch.js';
import { quoted } from './location.js';

/** Each migration's SQL, given the schema as a quoted identifier and as its plain name. */
const MIGRATIONS: ReadonlyArray<(s: string, schema: string) => string> = [
  (s) => `
    create table ${s}.state (
      id boolean primary key default true check (id),
      convention text not null check (convention in ('document', 'market')),
      created_at timestamptz not null,
      seq bigint not null default 0,
      operations bigint not null default 0,
      trades bigint not null default 0,
      quotes bigint not null default 0,
      live_orders bigint not null default 0,
      next_trade_id bigint not null default 1,
      next_quote_id bigint not null default 1
    );
    create table ${s}.operations (
      seq bigint primary key,
      op_id text not null unique,
      at timestamptz not null,
      kind text not null,
      command jsonb not null,
      result jsonb,
      ended bigint[],
      batch text
    );
    create table ${s}.orders (
      order_id bigint primary key,
      symbol text not null,
      side text not null check (side in ('Buy', 'Sell')),
      price numeric not null check (price > 0),
      amount bigint not null check (amount >= 0),
      added_amount bigint not null,
      source text,
      accepted_at timestamptz not null,
      added_seq bigint not null references ${s}.operations,
      queue_seq bigint not null,
      ended_how text check (ended_how in ('removed', 'filled')),
      ended_at timestamptz,
      ended_seq bigint references ${s}.operations,
      ended_trade_id bigint
    );
    -- A book loads by an index-only scan: one symbol's live orders lie together, in queue order.
    create index orders_live_book on ${s}.orders (symbol, queue_seq) include (order_id, side, amount, price, source, accepted_at)
      where ended_seq is null;
    create table ${s}.trades (
      trade_id bigint primary key,
      seq bigint not null references ${s}.operations,
      op_id text not null,
      symbol text not null,
      side text not null check (side in ('Buy', 'Sell')),
      requested bigint not null,
      filled bigint not null,
      total numeric not null,
      partial boolean not null,
      client text,
      quote_id bigint,
      executed_at timestamptz not null
    );
    create index trades_symbol_time on ${s}.trades (symbol, executed_at);
    create table ${s}.fills (
      trade_id bigint not null references ${s}.trades,
      position integer not null,
      order_id bigint not null references ${s}.orders,
      amount bigint not null check (amount > 0),
      price numeric not null,
      primary key (trade_id, position)
    );
    create index fills_order on ${s}.fills (order_id);
    create table ${s}.quotes (
      quote_id bigint primary key,
      seq bigint not null references ${s}.operations,
      op_id text not null,
      symbol text not null,
      side text not null check (side in ('Buy', 'Sell')),
      requested bigint not null,
      filled bigint not null,
      total numeric not null,
      partial boolean not null,
      client text,
      quoted_at timestamptz not null,
      expires_at timestamptz not null,
      executed_seq bigint references ${s}.operations,
      trade_id bigint references ${s}.trades
    );
  `,
  // `oms status` lists every symbol ever traded by a loose index scan (one probe
  // per symbol, symbols.ts), not by reading every order. In byte order ("C"),
  // which is how the file store sorts them, whatever the database's collation.
  (s) => `create index orders_symbol on ${s}.orders (symbol collate "C");`,
  // Every transaction that adds operations tells listening servers its new seq
  // (commit-watch.ts): in the database, so no writer, present or future, can forget it.
  (s, schema) => `
    create function ${s}.notify_commit() returns trigger language plpgsql as $$
      begin
        perform pg_notify('${channelOf(schema)}', new.seq::text);
        return null;
      end
    $$;
    create trigger notify_commit after update of seq on ${s}.state
      for each row when (new.seq <> old.seq) execute function ${s}.notify_commit();
  `,
];

/** The schema version this oms writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

function newerSchemaError(display: string, version: number): OmsError {
  return new OmsError(
    'STATE_CORRUPT',
    `${display} was written by a newer oms (schema ${version}; this oms reads up to ${SCHEMA_VERSION}): upgrade oms; the state is not damaged`,
  );
}

/**
 * The schema's version: 0 when it has no oms tables yet. Throws for one
 * written by a newer oms.
 */
export async function schemaVersion(client: pg.ClientBase, schema: string, display: string): Promise<number> {
  const table = `${quoted(schema)}.schema_migrations`;
  // Asked of pg_class itself, not through to_regclass: that answers from the
  // backend's catalog cache, which a session that looked before another
  // process created the tables only refreshes when it takes a lock on a
  // relation. The advisory lock writers wait on is not one, so a waiter that
  // got it right after the creator committed was told "no tables" and
  // created them again ("relation already exists"). A catalog query reads
  // with the statement's own snapshot, which in READ COMMITTED sees that commit.
  const present = await client.query<{ present: boolean }>(
    `select exists (select 1 from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
                     where n.nspname = $1 and c.relname = 'schema_migrations') as present`,
    [schema],
  );
  if (!present.rows[0]?.present) return 0;
  const { rows } = await client.query<{ version: number | null }>(`select max(version) as version from ${table}`);
  const version = rows[0]?.version ?? 0;
  if (version > SCHEMA_VERSION) throw newerSchemaError(display, version);
  return version;
}

/**
 * Brings the schema up to `target` (an older version only to make a state as
 * an older oms left it, for tests). The caller holds the writer lock inside a transaction.
 */
export async function migrate(client: pg.ClientBase, schema: string, display: string, target = SCHEMA_VERSION): Promise<void> {
  const s = quoted(schema);
  const version = await schemaVersion(client, schema, display);
  if (version >= target) return;
  if (version === 0) {
    await client.query(`create schema if not exists ${s}`);
    await client.query(`create table if not exists ${s}.schema_migrations (version integer primary key, applied_at timestamptz not null default now())`);
  }
  for (let next = version + 1; next <= target; next++) {
    await client.query((MIGRATIONS[next - 1] as (s: string, schema: string) => string)(s, schema));
    await client.query(`insert into ${s}.schema_migrations (version) values ($1)`, [next]);
  }
}
