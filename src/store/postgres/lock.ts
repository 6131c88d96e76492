// Writers to one PostgreSQL state take turns through a transaction-scoped
// advisory lock keyed by the schema, so the final state is a serial replay of
// `operations` whichever machine wrote. The lock goes with the transaction
// (commit, rollback, or a dropped connection), so a killed writer never
// leaves it behind. Who holds it is read from pg_stat_activity, where every
// oms connection names itself (application_name), for waiters and for
// STATE_LOCKED.

import os from 'node:os';
import type pg from 'pg';
import type { Holder } from '../store.js';
import { isLockTimeout, lockedError } from './errors.js';
import { statementName } from './location.js';

/** First half of the lock key: "oms" in ASCII; the second is hashtext(schema). */
const LOCK_CLASS = 0x6f6d73;

/** How an oms connection introduces itself (PostgreSQL keeps 63 bytes of it). */
export function applicationName(command: string): string {
  return `oms ${process.pid}@${os.hostname()} ${command}`.slice(0, 63);
}

function parseApplicationName(name: string, since: Date | null): Holder | undefined {
  const match = /^oms (\d+)@(\S+) (.*)$/s.exec(name);
  if (!match) return undefined;
  return { pid: Number(match[1]), host: match[2] as string, command: match[3] as string, since: (since ?? new Date()).toISOString() };
}

export async function lockHolder(client: pg.ClientBase, schema: string): Promise<Holder | undefined> {
  const { rows } = await client.query<{ application_name: string; xact_start: Date | null; pid: number; client_addr: string | null }>(
    `select a.application_name, a.xact_start, a.pid, a.client_addr
       from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.granted and l.classid = $1 and l.objid = hashtext($2)::oid and l.objsubid = 2
        and l.database = (select oid from pg_database where datname = current_database())`,
    [LOCK_CLASS, schema],
  );
  const row = rows[0];
  if (!row) return undefined;
  return (
    parseApplicationName(row.application_name, row.xact_start) ?? {
      pid: row.pid,
      host: row.client_addr ?? 'the database server',
      command: row.application_name || 'another client',
      since: (row.xact_start ?? new Date()).toISOString(),
    }
  );
}

/**
 * Opens a writer's transaction, in the same message as `begin`:
 * - An acknowledged operation must survive a crash of the database, whatever
 *   the server's default: the commit waits for its WAL record to be flushed.
 * - Every join in a write looks up a few rows by key (a batch's changed
 *   orders, its archive keys). The planner takes a jsonb array for 100 rows
 *   and would hash-join it against a whole table (a sequential scan of every
 *   order, measured at 1.2 ms on 3,000 orders, growing with the table); with
 *   hash and merge joins off it walks the primary key instead (0.14 ms).
 */
export const BEGIN_WRITE = 'begin; set local synchronous_commit = on; set local enable_hashjoin = off; set local enable_mergejoin = off';

/** What a try for the lock returns: whether it was taken, and the database's time (ms). */
export interface LockAttempt {
  ok: boolean;
  now: string;
}

/**
 * Tries for the lock without waiting. Named (prepared once per connection),
 * with the schema, a checked name, in its text so it takes no parameter.
 */
export function tryLockSql(schema: string): pg.QueryConfig {
  return {
    name: statementName('lock_try', schema),
    text: `select pg_try_advisory_xact_lock(${LOCK_CLASS}, hashtext('${schema}')) as ok, (extract(epoch from clock_timestamp()) * 1000)::bigint as now`,
  };
}

/** Waits for the lock, answering as a try that succeeded; the transaction sets how long it may wait (`lockTimeoutSql`). */
function waitLockSql(schema: string): pg.QueryConfig {
  return {
    name: statementName('lock_wait', schema),
    text: `select pg_advisory_xact_lock(${LOCK_CLASS}, hashtext('${schema}')), true as ok, (extract(epoch from clock_timestamp()) * 1000)::bigint as now`,
  };
}

/** Bounds every lock wait of the open transaction (0 would mean "wait forever"). */
function lockTimeoutSql(timeoutMs: number): string {
  return `set local lock_timeout = ${Math.max(1, Math.round(timeoutMs))}`;
}

export interface LockOptions {
  timeoutMs: number;
  display: string;
  onWait?: (holder: Holder) => void;
}

/**
 * Takes the writer lock inside the caller's open transaction and returns the
 * database's time (ms) once it has it. Waits up to `timeoutMs`, then
 * STATE_LOCKED naming the holder.
 */
export async function takeWriterLock(client: pg.ClientBase, schema: string, options: LockOptions, tried?: LockAttempt): Promise<number> {
  const row = tried ?? ((await client.query<LockAttempt>(tryLockSql(schema))).rows[0] as LockAttempt);
  if (row.ok) return Number(row.now);
  const holder = await lockHolder(client, schema);
  if (holder) options.onWait?.(holder);
  await client.query(lockTimeoutSql(options.timeoutMs));
  try {
    const { rows } = await client.query<LockAttempt>(waitLockSql(schema));
    // Once the lock is had, later statements wait for row locks as any write's would.
    await client.query('set local lock_timeout = 0');
    return Number(rows[0]?.now);
  } catch (error) {
    if (!isLockTimeout(error)) throw error;
    throw lockedError(options.display, options.timeoutMs, holder, error);
  }
}
