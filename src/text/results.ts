// What a change did, in words: the lines `oms add|modify|remove` print and
// prompt mode shows after the same actions, written once so both say the
// same thing.

import type { Outcome } from '../core/ledger.js';
import type { Order } from '../core/types.js';
import type { TextStyle } from './style.js';
import { describeOrder } from './views.js';

function opNote(style: TextStyle, outcome: Outcome): string {
  return style.theme.dim(`(op ${outcome.opId})`);
}

export function addedText(style: TextStyle, outcome: Outcome, order: Order): string {
  return `${outcome.status === 'replayed' ? 'Already added' : 'Added'} ${describeOrder(style, order)} ${opNote(style, outcome)}`;
}

export function modifiedText(style: TextStyle, outcome: Outcome, orderId: number | string, result: { order: Order | null; removed: boolean }): string {
  if (result.removed) return `Removed order ${orderId} (amount set to 0) ${opNote(style, outcome)}`;
  if (outcome.status === 'unchanged') return `Unchanged ${describeOrder(style, result.order!)}`;
  return `Modified ${describeOrder(style, result.order!)} ${opNote(style, outcome)}`;
}

export function removedText(style: TextStyle, outcome: Outcome, orderId: number, removed: boolean): string {
  return removed ? `Removed order ${orderId} ${opNote(style, outcome)}` : `Order ${orderId} was already gone; nothing removed`;
}
