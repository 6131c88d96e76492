// The one place where an error becomes what a front end reports (SPEC §3, §7):
// an exit code for the command line, an HTTP status (and Retry-After) for the
// server. Everything else throws OmsError with a code and lets this decide.

import { OmsError, type ErrorCode } from '../core/errors.js';

const EXIT: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 2,
  ORDER_NOT_FOUND: 3,
  DUPLICATE_ORDER_ID: 3,
  INSUFFICIENT_LIQUIDITY: 3,
  QUOTE_NOT_FOUND: 3,
  QUOTE_EXPIRED: 3,
  QUOTE_USED: 3,
  PRICE_MOVED: 3,
  OP_ID_CONFLICT: 3,
  STATE_CORRUPT: 4,
  STATE_IO: 4,
  STATE_LOCKED: 5,
  CSV_INVALID: 6,
  // Where an import's bytes live (an object store) cannot be reached or read: like the state, exit 4.
  SOURCE_UNAVAILABLE: 4,
  INTERRUPTED: 130,
  INTERNAL: 1,
};

const HTTP_STATUS: Record<ErrorCode, number> = {
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

/** The exit code of a process ended by a signal. */
export const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export function exitCodeOf(error: OmsError, signal?: string): number {
  if (error.code === 'INTERRUPTED') return SIGNAL_EXIT[signal ?? 'SIGINT'] ?? 130;
  return EXIT[error.code];
}

export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS[code];
}

export function retryAfterOf(code: ErrorCode): number | undefined {
  return RETRY_AFTER[code];
}

/** Anything thrown becomes an OmsError; what is not ours is a bug (INTERNAL), and keeps its cause. */
export function toOmsError(error: unknown): OmsError {
  if (error instanceof OmsError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const wrapped = new OmsError(
    'INTERNAL',
    `internal error: ${message}. This is a bug in oms: please report it with the command you ran and this message (rerun with OMS_DEBUG=1 for a stack trace)`,
    {},
    { cause: error },
  );
  if (error instanceof Error && error.stack) wrapped.stack = error.stack;
  return wrapped;
}
