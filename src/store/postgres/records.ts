// Operations as rows and back. jsonb keeps values but not key order, and a
// command's canonical JSON (its key order included) is how "same parameters"
// is decided, so what is read back is rebuilt in the order the core writes
// it: a replay from PostgreSQL prints exactly what the first run printed.

import type { Command } from '../../core/commands.js';
import type { ModifyResult, OperationRecord, QuoteView, TradeView } from '../../core/ledger.js';
import type { Fill, Order } from '../../core/types.js';

/** An `operations` row as queried by OPERATION_COLUMNS. */
export interface OperationRow {
  seq: string;
  op_id: string;
  at_ms: string;
  command: Record<string, unknown>;
  result: Record<string, unknown> | null;
  ended: string[] | null;
}

/** The select list that yields an OperationRow (`o` is the operations alias). */
export const OPERATION_COLUMNS = 'o.seq, o.op_id, (extract(epoch from o.at) * 1000)::bigint as at_ms, o.command, o.result, o.ended';

type Raw = Record<string, unknown>;

function canonicalCommand(raw: Raw): Command {
  switch (raw.type) {
    case 'add':
      return { type: 'add', orderId: raw.orderId, symbol: raw.symbol, side: raw.side, amount: raw.amount, price: raw.price, source: raw.source } as Command;
    case 'modify': {
      const command: Raw = { type: 'modify', orderId: raw.orderId };
      if (raw.amount !== undefined) command.amount = raw.amount;
      if (raw.price !== undefined) command.price = raw.price;
      return command as unknown as Command;
    }
    case 'remove':
      return { type: 'remove', orderId: raw.orderId } as Command;
    case 'quote':
      return { type: 'quote', symbol: raw.symbol, side: raw.side, amount: raw.amount, client: raw.client, ttl: raw.ttl, partial: raw.partial } as Command;
    case 'trade':
      return { type: 'trade', symbol: raw.symbol, side: raw.side, amount: raw.amount, client: raw.client, partial: raw.partial } as Command;
    default:
      return { type: 'tradeQuote', quoteId: raw.quoteId } as Command;
  }
}

function canonicalOrder(raw: Raw): Order {
  return {
    orderId: raw.orderId,
    symbol: raw.symbol,
    side: raw.side,
    amount: raw.amount,
    price: raw.price,
    source: raw.source,
    acceptedAt: raw.acceptedAt,
  } as Order;
}

function canonicalFills(raw: unknown): Fill[] {
  return (raw as Raw[]).map((fill) => ({ orderId: fill.orderId, amount: fill.amount, price: fill.price }) as Fill);
}

function canonicalResult(type: Command['type'], raw: Raw): ModifyResult | QuoteView | TradeView {
  if (type === 'modify') return { order: raw.order === null ? null : canonicalOrder(raw.order as Raw), removed: raw.removed } as ModifyResult;
  const execution = {
    symbol: raw.symbol,
    side: raw.side,
    requested: raw.requested,
    filled: raw.filled,
    total: raw.total,
    partial: raw.partial,
    fills: canonicalFills(raw.fills),
  };
  if (type === 'quote') return { ...execution, quoteId: raw.quoteId, opId: raw.opId, client: raw.client, expiresAt: raw.expiresAt } as QuoteView;
  return {
    tradeId: raw.tradeId,
    ...execution,
    client: raw.client,
    quoteId: raw.quoteId,
    opId: raw.opId,
    executedAt: raw.executedAt,
  } as TradeView;
}

export function recordFromRow(row: OperationRow): OperationRecord {
  const cmd = canonicalCommand(row.command);
  const record: OperationRecord = { seq: Number(row.seq), at: Number(row.at_ms), op: row.op_id, cmd };
  if (row.result !== null) record.res = canonicalResult(cmd.type, row.result);
  if (row.ended !== null) record.ended = row.ended.map(Number);
  return record;
}
