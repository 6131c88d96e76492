// What the cluster tests check after the load, whatever happened to the
// servers meanwhile: every acknowledged operation is in the history exactly
// once with the result its client was given, nothing else is; no order gave
// more than its amount; and replaying the history one operation at a time, in
// seq order, on a fresh in-memory order manager gives the same fills and the
// same book (so concurrent servers behaved like one serial writer).

import { expect } from 'vitest';
import { createOrderManager } from '../../src/index.js';
import type { Acked } from './load.js';

interface Operation {
  seq: number;
  opId: string;
  command: any;
  result: any;
}

async function get(url: string, path: string): Promise<any> {
  const response = await fetch(`${url}${path}`);
  expect(response.status, path).toBe(200);
  return response.json();
}

export async function verifyState(url: string, symbol: string, acked: Acked[]): Promise<void> {
  const operations = ((await get(url, '/history?limit=10000000')).operations as Operation[]).filter((op) => op.command.symbol === symbol).reverse();

  // Exactly once, and the answer the client got is what was recorded.
  const byKey = new Map<string, Operation[]>();
  for (const op of operations) byKey.set(op.opId, [...(byKey.get(op.opId) ?? []), op]);
  for (const ack of acked) {
    const found = byKey.get(ack.key) ?? [];
    expect(found, `operations with op id ${ack.key}`).toHaveLength(1);
    const [op] = found as [Operation];
    if (ack.kind === 'add') expect(op.result.order.orderId).toBe(ack.json.order.orderId);
    else expect(op.result.trade).toEqual(ack.json.trade);
  }
  expect(operations.length, 'operations nobody was acknowledged for').toBe(acked.length);

  // Serial replay in seq order: same fills for every trade, same book at the end; no order overfilled.
  const oracle = createOrderManager();
  const added = new Map<number, number>();
  const filled = new Map<number, number>();
  for (const op of operations) {
    const { command } = op;
    if (command.type === 'add') {
      oracle.addOrder(command.orderId, command.symbol, command.side, command.amount, command.price, command.source ?? undefined);
      added.set(command.orderId, command.amount);
    } else {
      expect(command.type).toBe('trade');
      const replayed = oracle.placeTrade(command.symbol, command.side, command.amount, { partial: command.partial });
      const recorded = op.result.trade;
      expect({ filled: replayed.filled, total: replayed.total, fills: replayed.fills }, `trade ${op.opId} (seq ${op.seq})`).toEqual({
        filled: recorded.filled,
        total: recorded.total,
        fills: recorded.fills,
      });
      for (const fill of recorded.fills as Array<{ orderId: number; amount: number }>) filled.set(fill.orderId, (filled.get(fill.orderId) ?? 0) + fill.amount);
    }
  }
  for (const [orderId, amount] of filled) expect(amount, `filled from order ${orderId}`).toBeLessThanOrEqual(added.get(orderId) ?? 0);

  const live = (await get(url, `/orders?symbol=${symbol}`)).orders as Array<{ orderId: number; side: string; amount: number; price: string }>;
  const expected = oracle.orders({ symbol }).map((order) => ({ orderId: order.orderId, side: order.side, amount: order.amount, price: order.price }));
  expect(live.map((order) => ({ orderId: order.orderId, side: order.side, amount: order.amount, price: order.price }))).toEqual(expected);
  for (const order of live) expect(order.amount).toBe((added.get(order.orderId) ?? 0) - (filled.get(order.orderId) ?? 0));
}
