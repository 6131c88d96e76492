// `oms copy` to and from PostgreSQL: a state travels as its operations, in
// order, with their op ids, times and results as recorded, so every replay
// answers after the copy as it did before. Loading replays each record into
// a fresh ledger (a trade that would not re-walk to what it recorded stops
// the copy) and writes it with its projections, all in one transaction: a
// copy that fails leaves the target as it was.

import pg from 'pg';
import { OmsError } from '../../core/errors.js';
import { Ledger, type OperationRecord } from '../../core/ledger.js';
import { replayDump, type StateDump } from '../replay.js';
import { databaseError } from './errors.js';
import { parseLocation, quoted } from './location.js';
import { applicationName, BEGIN_WRITE, takeWriterLock } from './lock.js';
import { newOpId } from './memory.js';
import { migrate, schemaVersion } from './migrations.js';
import { Projection } from './projection.js';
import { operationsAfter, readStateRow } from './queries.js';

const PAGE = 5_000;

/** The state at `location`, read in one consistent snapshot; undefined when there is none. */
export async function dumpPostgres(location: string): Promise<{ dump: StateDump; close: () => Promise<void> } | undefined> {
  const where = parseLocation(location);
  const client = new pg.Client({ connectionString: where.connectionString, application_name: applicationName('oms copy') });
  try {
    await client.connect();
    await client.query('begin isolation level repeatable read read only');
    const row = (await schemaVersion(client, where.schema, where.display)) === 0 ? undefined : await readStateRow(client, where.schema);
    if (!row) {
      await client.end();
      return undefined;
    }
    const last = row.counters.seq;
    async function* records(): AsyncGenerator<OperationRecord> {
      try {
        for (let seq = 0; seq < last; ) {
          const page = await operationsAfter(client, where.schema, seq, last, PAGE);
          if (page.length === 0) throw new OmsError('STATE_CORRUPT', `${where.display}: operations after ${seq} up to ${last} are missing`);
          yield* page;
          seq = (page[page.length - 1] as OperationRecord).seq;
        }
      } catch (error) {
        throw databaseError(error, where.display, 'read');
      }
    }
    return { dump: { convention: row.convention, createdAt: row.createdAt, records: records() }, close: () => client.end() };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw databaseError(error, where.display, 'read');
  }
}

/**
 * Writes `dump` as the state at `location`, which must hold no operation yet
 * (an initialised empty state of the same convention is fine). Returns the
 * number of operations copied.
 */
export async function loadPostgres(location: string, dump: StateDump): Promise<number> {
  const where = parseLocation(location);
  const client = new pg.Client({ connectionString: where.connectionString, application_name: applicationName('oms copy') });
  try {
    await client.connect();
    await client.query(BEGIN_WRITE);
    await takeWriterLock(client, where.schema, { timeoutMs: 10_000, display: where.display });
    await migrate(client, where.schema, where.display);
    const existing = await readStateRow(client, where.schema);
    if (existing && (existing.counters.operations > 0 || existing.convention !== dump.convention)) {
      throw new OmsError(
        'INVALID_ARGUMENT',
        existing.counters.operations > 0
          ? `${where.display} already holds ${existing.counters.operations} operations: copy only into an empty state`
          : `${where.display} exists with convention ${existing.convention}, the copy has ${dump.convention}`,
        { field: 'to', value: where.display },
      );
    }
    const s = quoted(where.schema);
    if (existing) await client.query(`update ${s}.state set created_at = $1`, [dump.createdAt]);
    else await client.query(`insert into ${s}.state (convention, created_at) values ($1, $2)`, [dump.convention, dump.createdAt]);
    const ledger = new Ledger(dump.convention, newOpId);
    const projection = new Projection(where.schema);
    for await (const { record, before } of replayDump(dump, ledger)) {
      projection.add(record, null, (orderId) => ledger.order(orderId)?.amount, before);
      if (projection.size >= PAGE) await projection.flush(client, ledger.counters);
    }
    await projection.flush(client, ledger.counters);
    await client.query('commit');
    return ledger.counters.operations;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw databaseError(error, where.display, 'copy to');
  } finally {
    await client.end().catch(() => undefined);
  }
}
