// The JSON documents of SPEC §3, built in one place for every front end: the
// CLI's --json output and the HTTP API's bodies are the same shapes because
// they come from here. Field names are stable; order follows the spec.

import type { OmsError } from '../core/errors.js';
import type { OrderStatus, Outcome, Result } from '../core/ledger.js';
import type { StateStatus } from '../store/store.js';
import type { HistoryEntry } from './oms.js';

/** Error fields in the order they are printed; any other fact a store added follows. */
const ERROR_FIELDS = ['field', 'value', 'available', 'holder', 'problems', 'moreProblems', 'file', 'line', 'byte'];

export function errorJson(error: OmsError): { error: Record<string, unknown> } {
  const body: Record<string, unknown> = { code: error.code, message: error.message };
  const details = error.details as Record<string, unknown>;
  for (const field of ERROR_FIELDS) if (details[field] !== undefined) body[field] = details[field];
  for (const [field, value] of Object.entries(details)) if (value !== undefined && !(field in body)) body[field] = value;
  return { error: body };
}

/** What an operation made, without its op id (a history entry's `result`). */
export function resultJson(result: Result): Record<string, unknown> {
  switch (result.type) {
    case 'add':
      return { order: result.order };
    case 'modify':
      return { order: result.order, removed: result.removed };
    case 'remove':
      return { removed: result.removed };
    case 'quote':
      return { ...result.quote };
    case 'trade':
      return { trade: result.trade };
  }
}

/** A mutation: {"opId","replayed", ...} plus what it made (a quote lists its own fields first). */
export function mutationJson(outcome: Outcome): Record<string, unknown> {
  const body = resultJson(outcome.result);
  const replayed = outcome.status === 'replayed';
  if (outcome.result.type === 'quote') return { ...body, opId: outcome.opId, replayed };
  return { opId: outcome.opId, replayed, ...body };
}

/** One order, live or how it went; the prose `how` is for people only. */
export function orderStatusJson(found: OrderStatus): Record<string, unknown> {
  const { how, ...json } = found as OrderStatus & { how?: string };
  void how;
  return json;
}

export function historyJson(entries: HistoryEntry[]): { operations: Record<string, unknown>[] } {
  return {
    operations: entries.map((entry) => ({ seq: entry.seq, opId: entry.opId, at: entry.at, command: entry.command, result: resultJson(entry.result) })),
  };
}

/** The status with what the backend adds after the common fields. */
export function statusJson(status: StateStatus): Record<string, unknown> {
  const { details, ...common } = status;
  return { ...common, ...details?.json };
}
