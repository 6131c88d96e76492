// The rules for each field of SPEC §1 and §6, in one place, so argv, CSV
// cells, prompt answers, HTTP bodies and the library all accept exactly the
// same values and reject the rest with the same one-line message.

import { invalid } from './errors.js';
import { hasControl, hasLoneSurrogate } from './text.js';
import type { Convention, Side } from './types.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const DIGITS = /^\d+$/;
const SYMBOL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$/;
// Names that mean something on every JS object: SPEC §6 says they fail the symbol rule.
const RESERVED = new Set(['constructor', 'prototype', '__proto__', 'tostring', 'tolocalestring', 'valueof', 'hasownproperty', 'isprototypeof', 'propertyisenumerable']);

function wholeNumber(input: unknown, field: string, allowZero: boolean): number {
  let value: number;
  if (typeof input === 'number') {
    value = input;
  } else if (typeof input === 'string' && DIGITS.test(input)) {
    if (input.replace(/^0+(?=\d)/, '').length > 16) throw invalid(field, input, 'is above 2^53-1');
    value = Number(input);
  } else {
    throw invalid(field, input, `is not a ${allowZero ? 'whole number' : 'positive whole number'}`);
  }
  if (!Number.isInteger(value) || value < 0) {
    throw invalid(field, input, `is not a ${allowZero ? 'whole number' : 'positive whole number'}`);
  }
  if (value > MAX_SAFE) throw invalid(field, input, 'is above 2^53-1');
  if (value === 0 && !allowZero) throw invalid(field, input, 'must be greater than zero');
  return value;
}

export function parseOrderId(input: unknown, field = 'orderId'): number {
  return wholeNumber(input, field, false);
}

export function parseAmount(input: unknown, field = 'amount'): number {
  return wholeNumber(input, field, false);
}

/** A modify may set amount 0: it removes the order. */
export function parseNewAmount(input: unknown, field = 'amount'): number {
  return wholeNumber(input, field, true);
}

/** A count such as --limit or --depth: a positive whole number. */
export function parseCount(input: unknown, field: string): number {
  return wholeNumber(input, field, false);
}

// Symbols already checked, raw text to canonical: a book sees the same few
// symbols millions of times. Bounded so hostile input cannot grow it.
const checkedSymbols = new Map<string, string>();

export function parseSymbol(input: unknown, field = 'symbol'): string {
  if (typeof input === 'string') {
    const known = checkedSymbols.get(input);
    if (known !== undefined) return known;
  }
  const symbol = checkSymbol(input, field);
  if (checkedSymbols.size < 10_000) checkedSymbols.set(input as string, symbol);
  return symbol;
}

function checkSymbol(input: unknown, field: string): string {
  if (typeof input !== 'string' || input === '') throw invalid(field, input ?? '', 'is empty');
  if (input.length > 16) throw invalid(field, input, 'is longer than 16 characters');
  if (!SYMBOL.test(input)) {
    throw invalid(field, input, 'must be 1-16 of A-Z 0-9 . _ - starting with a letter or digit');
  }
  if (RESERVED.has(input.toLowerCase())) throw invalid(field, input, 'is a reserved name');
  return input.toUpperCase();
}

export function parseSide(input: unknown, field = 'side'): Side {
  if (input === 'Buy' || input === 'Sell') return input;
  if (typeof input === 'string') {
    const lower = input.toLowerCase();
    if (lower === 'buy' || lower === 'b') return 'Buy';
    if (lower === 'sell' || lower === 's') return 'Sell';
  }
  throw invalid(field, input ?? '', 'is not a side (Buy, Sell, b or s)');
}

export function parseConvention(input: unknown, field = 'convention'): Convention {
  if (input === 'document' || input === 'market') return input;
  throw invalid(field, input ?? '', 'is not a convention (document or market)');
}

/**
 * Free text such as `source` or `client`: stored exactly as given, at most
 * `max` characters, no control characters. Empty means absent.
 */
export function parseText(input: unknown, field: string, max = 64): string | null {
  if (input === undefined || input === null || input === '') return null;
  if (typeof input !== 'string') throw invalid(field, input, 'must be text');
  if ([...input].length > max) throw invalid(field, input, `is longer than ${max} characters`);
  checkShowable(input, field);
  return input;
}

/**
 * Text is stored and shown exactly as given, so it may hold nothing that acts
 * on a display (C0, DEL, C1, line separators, bidi controls) and nothing that
 * is not Unicode (a lone surrogate would not survive export and import).
 */
function checkShowable(input: string, field: string): void {
  if (hasControl(input)) throw invalid(field, input, 'contains a control character (or a line separator or bidi control)');
  if (hasLoneSurrogate(input)) throw invalid(field, input, 'contains a lone surrogate: it is not valid Unicode text');
}

// Ids the store makes itself (SPEC §12): a stored quote's trade (`quote:N`),
// an import row's (`import:BATCH:DIGEST:N`) and a generated one (the shape of
// store newOpId: `op-<time36>-<12 hex><counter36>`). A client that took one
// first would make that later operation an OP_ID_CONFLICT for good.
const RESERVED_PREFIXES = ['quote:', 'import:'] as const;
const GENERATED_OP_ID = /^op-[0-9a-z]+-[0-9a-f]{12}[0-9a-z]+$/;

export interface OpIdOptions {
  /**
   * An import row's op_id cell: an `import:` id is let through, because a
   * --rejects file carries the id a row was tried under; the row reader then
   * checks it is the id the row's own content derives.
   */
  importRow?: boolean;
}

/** An operation id: 1-128 printable characters, outside the reserved namespaces. */
export function parseOpId(input: unknown, field = 'opId', options: OpIdOptions = {}): string {
  if (typeof input !== 'string' || input === '') throw invalid(field, input ?? '', 'is empty');
  if ([...input].length > 128) throw invalid(field, input, 'is longer than 128 characters');
  checkShowable(input, field);
  const prefix = RESERVED_PREFIXES.find((reserved) => input.startsWith(reserved));
  if (prefix !== undefined && !(prefix === 'import:' && options.importRow === true)) {
    throw invalid(field, input, `starts with "${prefix}", which is reserved for ids oms derives itself; choose another id`);
  }
  if (GENERATED_OP_ID.test(input)) throw invalid(field, input, 'has the shape of the ids oms generates (op-…-…), which is reserved; choose another id');
  return input;
}
