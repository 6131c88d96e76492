// Shared assertions for the core tests.

import { expect } from 'vitest';
import { OmsError, type ErrorCode } from '../../src/core/errors.js';

/** Runs `fn`, expects it to throw an OmsError with `code`, and returns the error. */
export function expectOmsError(fn: () => unknown, code: ErrorCode, field?: string): OmsError {
  let thrown: unknown;
  let returned: unknown;
  try {
    returned = fn();
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) {
    expect.fail(`expected ${code}${field ? ` (${field})` : ''} but it returned ${JSON.stringify(returned, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  }
  expect(thrown).toBeInstanceOf(OmsError);
  const error = thrown as OmsError;
  expect(error.code).toBe(code);
  if (field !== undefined) expect(error.details.field).toBe(field);
  // One line; an argument error names the field and shows the value.
  expect(error.message).not.toMatch(/\n/);
  if (code === 'INVALID_ARGUMENT' && field !== undefined) expect(error.message).toContain(field);
  return error;
}
