// Replaying recorded operations into a fresh ledger, where a state is rebuilt
// from its operations alone: `oms copy` (into a file or PostgreSQL) and the
// PostgreSQL doctor. A record that does not apply to the state before it
// (say, a trade that would not re-walk to what it recorded) is damage.

import { OmsError } from '../core/errors.js';
import type { Ledger, OperationRecord } from '../core/ledger.js';
import type { Convention } from '../core/types.js';

/** A whole state as `oms copy` moves it. */
export interface StateDump {
  convention: Convention;
  createdAt: string;
  /** Every operation, oldest first. */
  records: AsyncIterable<OperationRecord>;
}

/** Where an order stood before a modify changed it (what a projection of the change needs). */
export interface OrderBefore {
  amount: number;
  price: string;
}

/**
 * Applies `record` to `ledger` as its latest operation. Returns, for a
 * modify, the order as it stood before; throws what `Ledger.apply` throws
 * when the record does not apply.
 */
export function replayRecord(ledger: Ledger, record: OperationRecord): OrderBefore | undefined {
  let before: OrderBefore | undefined;
  if (record.cmd.type === 'modify') {
    const order = ledger.order(record.cmd.orderId);
    if (order) before = { amount: order.amount, price: order.price };
  }
  ledger.apply(record);
  ledger.counters.seq = record.seq;
  return before;
}

/**
 * The dump's operations replayed into `ledger` (empty, of the dump's
 * convention), each yielded once applied. Sequence numbers are the target's
 * own: one per operation, from 1. One that does not apply stops the copy
 * (STATE_CORRUPT).
 */
export async function* replayDump(dump: StateDump, ledger: Ledger): AsyncGenerator<{ record: OperationRecord; before: OrderBefore | undefined }> {
  for await (const source of dump.records) {
    const record: OperationRecord = { ...source, seq: ledger.counters.seq + 1 };
    let before: OrderBefore | undefined;
    try {
      before = replayRecord(ledger, record);
    } catch (error) {
      throw new OmsError('STATE_CORRUPT', `operation ${source.seq} (${source.op}) of the source does not apply to the state before it (${reasonOf(error)}); nothing was copied`);
    }
    yield { record, before };
  }
}

/** What a failed replay says, for a message. */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
