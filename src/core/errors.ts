// One error class for everything oms rejects, so every caller (CLI, import,
// HTTP) can map a stable `code` to an exit code or a status without parsing
// messages.

import { clip, escapeControls, safeJson } from './text.js';

export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'ORDER_NOT_FOUND',
  'DUPLICATE_ORDER_ID',
  'INSUFFICIENT_LIQUIDITY',
  'QUOTE_NOT_FOUND',
  'QUOTE_EXPIRED',
  'QUOTE_USED',
  'PRICE_MOVED',
  'OP_ID_CONFLICT',
  'STATE_CORRUPT',
  'STATE_IO',
  'STATE_LOCKED',
  'CSV_INVALID',
  'SOURCE_UNAVAILABLE',
  'INTERRUPTED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Refusals decided before anything changed: bad input, or a rule of the
 * order manager. Retrying after fixing the request is always safe.
 */
export const REJECTION_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'INVALID_ARGUMENT',
  'ORDER_NOT_FOUND',
  'DUPLICATE_ORDER_ID',
  'INSUFFICIENT_LIQUIDITY',
  'QUOTE_NOT_FOUND',
  'QUOTE_EXPIRED',
  'QUOTE_USED',
  'PRICE_MOVED',
  'OP_ID_CONFLICT',
]);

/** True for a refusal decided before anything changed (see REJECTION_CODES). */
export function isRejection(error: unknown): error is OmsError {
  return error instanceof OmsError && REJECTION_CODES.has(error.code);
}

export interface Problem {
  file: string;
  line: number;
  field: string;
  message: string;
}

export interface ErrorDetails {
  field?: string;
  value?: string;
  available?: string;
  problems?: Problem[];
  /** How many problems were found beyond those listed. */
  moreProblems?: number;
  /**
   * What a store adds about itself (who holds the state, where the damage
   * is): passed through to the error document as given. Core neither sets
   * nor reads these, so it names no file, lock or table.
   */
  [storeFact: string]: unknown;
}

export class OmsError extends Error {
  override readonly name = 'OmsError';
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  /**
   * The message and field are escaped here, once, so no value interpolated
   * into them by any caller reaches a terminal or a log raw (SPEC §12);
   * `value` stays as given: it is only ever written as JSON.
   */
  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(escapeControls(message), options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = details.field === undefined ? details : { ...details, field: escapeControls(details.field) };
  }
}

export function isOmsError(error: unknown): error is OmsError {
  return error instanceof OmsError;
}

/** Shows a user-supplied value inside a one-line message: quoted, escaped, bounded. */
export function showValue(value: unknown): string {
  return safeJson(clip(typeof value === 'string' ? value : String(value), 40));
}

export function invalid(field: string, value: unknown, reason: string): OmsError {
  const shown = typeof value === 'string' ? value : String(value);
  return new OmsError('INVALID_ARGUMENT', `${field}: ${showValue(value)} ${reason}`, {
    field,
    value: clip(shown, 200, ''),
  });
}
