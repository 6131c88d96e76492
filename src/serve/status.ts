// The one place where an error code becomes an HTTP status (SPEC §7), the
// HTTP counterpart of src/cli/exit-codes.ts. Routes throw OmsError and let
// the error handler ask this what to answer.

import type { ErrorCode } from '../core/errors.js';

const STATUS: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  CSV_INVALID: 400,
  ORDER_NOT_FOUND: 404,
  QUOTE_NOT_FOUND: 404,
  DUPLICATE_ORDER_ID: 409,
  OP_ID_CONFLICT: 409,
  QUOTE_USED: 409,
  PRICE_MOVED: 409,
  QUOTE_EXPIRED: 410,
  INSUFFICIENT_LIQUIDITY: 422,
  STATE_LOCKED: 503,
  STATE_IO: 503,
  // Retrying will not help (oms doctor will), but the server itself is fine.
  STATE_CORRUPT: 503,
  // The server is shutting down: another instance may answer.
  INTERRUPTED: 503,
  // An object store behind the server failed (the inbox); not the client's fault.
  SOURCE_UNAVAILABLE: 502,
  INTERNAL: 500,
};

/** Seconds a client should wait before retrying, for the errors that pass. */
const RETRY_AFTER: Partial<Record<ErrorCode, number>> = {
  STATE_LOCKED: 1,
  STATE_IO: 5,
  INTERRUPTED: 1,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

export function retryAfterOf(code: ErrorCode): number | undefined {
  return RETRY_AFTER[code];
}
