// The one place where an error becomes an exit code and a JSON error object
// (SPEC §3). Everything else throws OmsError with a code and lets this decide.

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

export const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

export function exitCodeOf(error: OmsError, signal?: string): number {
  if (error.code === 'INTERRUPTED') return SIGNAL_EXIT[signal ?? 'SIGINT'] ?? 130;
  return EXIT[error.code];
}

/** Anything thrown becomes an OmsError; what is not ours is a bug (INTERNAL). */
export function toOmsError(error: unknown): OmsError {
  if (error instanceof OmsError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const wrapped = new OmsError(
    'INTERNAL',
    `internal error: ${message}. This is a bug in oms: please report it with the command you ran and this message (rerun with OMS_DEBUG=1 for a stack trace)`,
  );
  if (error instanceof Error && error.stack) wrapped.stack = error.stack;
  return wrapped;
}

export function errorJson(error: OmsError): { error: Record<string, unknown> } {
  const { field, value, available, holder, problems, moreProblems, file, line, byte } = error.details;
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(field !== undefined ? { field } : {}),
      ...(value !== undefined ? { value } : {}),
      ...(available !== undefined ? { available } : {}),
      ...(holder !== undefined ? { holder } : {}),
      ...(problems !== undefined ? { problems } : {}),
      ...(moreProblems !== undefined ? { moreProblems } : {}),
      ...(file !== undefined ? { file } : {}),
      ...(line !== undefined ? { line } : {}),
      ...(byte !== undefined ? { byte } : {}),
    },
  };
}
