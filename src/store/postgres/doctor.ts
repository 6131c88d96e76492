// `oms doctor` on a PostgreSQL state: `operations` is the source of truth, so
// the doctor replays it from the first operation, rebuilds what the other
// tables and the state row should hold, and reports every difference. It
// reads one consistent snapshot (writers go on meanwhile) and changes nothing.

import pg from 'pg';
import { OmsError } from '../../core/errors.js';
import { Ledger } from '../../core/ledger.js';
import { reasonOf, replayRecord, type OrderBefore } from '../replay.js';
import { databaseError } from './errors.js';
import { parseLocation, quoted } from './location.js';
import { newOpId } from './memory.js';
import { schemaVersion, SCHEMA_VERSION } from './migrations.js';
import { Projection } from './projection.js';
import { operationsAfter, readStateRow } from './queries.js';

export interface PostgresFinding {
  severity: 'ok' | 'note' | 'damage';
  part: 'state' | 'operations' | 'orders' | 'trades' | 'fills' | 'quotes';
  message: string;
}

export interface PostgresDoctorReport {
  state: string;
  healthy: boolean;
  findings: PostgresFinding[];
  operations: number;
  liveOrders: number;
}

const PAGE = 10_000;
/** Differences listed per table; the rest are counted. */
const SHOWN = 10;

type Row = Record<string, unknown>;

/** A row as comparable text: every value as a string, nulls as null, keys in a fixed order. */
function canon(row: Row, columns: readonly string[]): string {
  return JSON.stringify(columns.map((column) => (row[column] === null || row[column] === undefined ? null : String(row[column]))));
}

const TABLES = {
  orders: {
    key: ['order_id'],
    columns: ['order_id', 'symbol', 'side', 'price', 'amount', 'added_amount', 'source', 'accepted_ms', 'added_seq', 'queue_seq', 'ended_how', 'ended_ms', 'ended_seq', 'ended_trade_id'],
    select: `order_id, symbol, side, price::text, amount, added_amount, source, (extract(epoch from accepted_at) * 1000)::bigint as accepted_ms,
             added_seq, queue_seq, ended_how, (extract(epoch from ended_at) * 1000)::bigint as ended_ms, ended_seq, ended_trade_id`,
  },
  trades: {
    key: ['trade_id'],
    columns: ['trade_id', 'seq', 'op_id', 'symbol', 'side', 'requested', 'filled', 'total', 'partial', 'client', 'quote_id', 'executed_ms'],
    select: `trade_id, seq, op_id, symbol, side, requested, filled, total::text, partial, client, quote_id,
             (extract(epoch from executed_at) * 1000)::bigint as executed_ms`,
  },
  fills: {
    key: ['trade_id', 'position'],
    columns: ['trade_id', 'position', 'order_id', 'amount', 'price'],
    select: 'trade_id, position, order_id, amount, price::text',
  },
  quotes: {
    key: ['quote_id'],
    columns: ['quote_id', 'seq', 'op_id', 'symbol', 'side', 'requested', 'filled', 'total', 'partial', 'client', 'quoted_ms', 'expires_ms', 'executed_seq', 'trade_id'],
    select: `quote_id, seq, op_id, symbol, side, requested, filled, total::text, partial, client, (extract(epoch from quoted_at) * 1000)::bigint as quoted_ms,
             (extract(epoch from expires_at) * 1000)::bigint as expires_ms, executed_seq, trade_id`,
  },
} as const;

type TableName = keyof typeof TABLES;

async function compareTable(client: pg.ClientBase, schema: string, name: TableName, expected: Row[], findings: PostgresFinding[]): Promise<void> {
  const table = TABLES[name];
  const keyOf = (row: Row): string => table.key.map((column) => String(row[column])).join('/');
  const want = new Map(expected.map((row) => [keyOf(row), canon(row, table.columns)]));
  const { rows } = await client.query<Row>(`select ${table.select} from ${quoted(schema)}.${name}`);
  const problems: string[] = [];
  for (const row of rows) {
    const key = keyOf(row);
    const expectedRow = want.get(key);
    if (expectedRow === undefined) problems.push(`${name} ${key} is in the table but no operation made it`);
    else if (expectedRow !== canon(row, table.columns)) problems.push(`${name} ${key} differs from the replay: table ${canon(row, table.columns)}, replay ${expectedRow}`);
    want.delete(key);
  }
  for (const key of want.keys()) problems.push(`${name} ${key} is missing from the table`);
  for (const message of problems.slice(0, SHOWN)) findings.push({ severity: 'damage', part: name, message });
  if (problems.length > SHOWN) findings.push({ severity: 'damage', part: name, message: `${problems.length - SHOWN} more differences in ${name}` });
  if (problems.length === 0) findings.push({ severity: 'ok', part: name, message: `${rows.length} rows agree with the replay` });
}

export async function diagnosePostgres(location: string): Promise<PostgresDoctorReport> {
  const where = parseLocation(location);
  const client = new pg.Client({ connectionString: where.connectionString, application_name: 'oms doctor' });
  const report: PostgresDoctorReport = { state: where.display, healthy: true, findings: [], operations: 0, liveOrders: 0 };
  try {
    await client.connect();
    await client.query('begin isolation level repeatable read read only');
    await diagnoseIn(client, where.schema, where.display, report);
    await client.query('commit');
  } catch (error) {
    if (error instanceof OmsError && error.code === 'STATE_CORRUPT') report.findings.push({ severity: 'damage', part: 'state', message: error.message });
    else throw databaseError(error, where.display, 'check');
  } finally {
    await client.end().catch(() => undefined);
  }
  report.healthy = report.findings.every((finding) => finding.severity !== 'damage');
  return report;
}

async function diagnoseIn(client: pg.ClientBase, schema: string, display: string, report: PostgresDoctorReport): Promise<void> {
  const findings = report.findings;
  const version = await schemaVersion(client, schema, display);
  const row = version === 0 ? undefined : await readStateRow(client, schema);
  if (!row) {
    findings.push({ severity: 'note', part: 'state', message: `no state in ${display} yet` });
    return;
  }
  findings.push({ severity: 'ok', part: 'state', message: `schema version ${version} (this oms writes ${SCHEMA_VERSION}), convention ${row.convention}` });
  const ledger = new Ledger(row.convention, newOpId);
  const projection = new Projection(schema);
  const last = Number((await client.query<{ seq: string | null }>(`select max(seq) as seq from ${quoted(schema)}.operations`)).rows[0]?.seq ?? 0);
  let replayed = true;
  for (let seq = 0; seq < last && replayed; ) {
    const records = await operationsAfter(client, schema, seq, last, PAGE);
    for (const record of records) {
      if (record.seq !== seq + 1) {
        findings.push({ severity: 'damage', part: 'operations', message: `operation ${seq + 1} is missing (the next one is ${record.seq}); the replay stops there` });
        replayed = false;
        break;
      }
      let before: OrderBefore | undefined;
      try {
        before = replayRecord(ledger, record);
      } catch (error) {
        findings.push({ severity: 'damage', part: 'operations', message: `operation ${record.seq} (${record.op}) does not apply to the state before it (${reasonOf(error)}); the replay stops there` });
        replayed = false;
        break;
      }
      projection.add(record, null, (orderId) => ledger.order(orderId)?.amount, before);
      seq = record.seq;
    }
    if (records.length === 0) break;
  }
  report.operations = ledger.counters.operations;
  report.liveOrders = ledger.orderCount;
  if (!replayed) return;
  findings.push({ severity: 'ok', part: 'operations', message: `${ledger.counters.operations} operations replay from the first one` });
  const counters = ledger.counters;
  const stored = { ...row.counters, liveOrders: row.liveOrders };
  const replay = { ...counters, liveOrders: ledger.orderCount };
  const differing = (Object.keys(replay) as Array<keyof typeof replay>).filter((key) => stored[key] !== replay[key]);
  if (differing.length > 0) {
    findings.push({
      severity: 'damage',
      part: 'state',
      message: `the state row disagrees with the replay: ${differing.map((key) => `${key} ${stored[key]} (replay ${replay[key]})`).join(', ')}`,
    });
  }
  const expected = projection.expected();
  await compareTable(client, schema, 'orders', expected.orders as unknown as Row[], findings);
  await compareTable(client, schema, 'trades', expected.trades, findings);
  await compareTable(client, schema, 'fills', expected.fills, findings);
  const quotes = expected.quotes.map((quote) => ({ ...quote, expires_ms: Date.parse(quote.expires_at) }));
  await compareTable(client, schema, 'quotes', quotes as unknown as Row[], findings);
}
