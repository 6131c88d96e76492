// What the driver throws, as the errors every front end already knows:
// an unreachable server, a lost connection or a statement cut short is
// STATE_IO (exit 4, HTTP 503); a writer that waited past its lock timeout is
// STATE_LOCKED (exit 5). The original error stays as `cause`, and no message
// ever shows the password.

import { OmsError } from '../../core/errors.js';
import type { Holder as LockHolder } from '../store.js';
import { redact } from './location.js';

/** SQLSTATE of a lock wait cut by `lock_timeout`. */
const LOCK_NOT_AVAILABLE = '55P03';

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'the server refused the connection',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  EPIPE: 'the connection was closed',
  '57014': 'a statement took longer than the statement timeout',
  '57P01': 'the server shut down',
  '57P02': 'the server crashed',
  '57P03': 'the server is starting or stopping',
  '28P01': 'the password was refused',
  '28000': 'the server refused this user',
  '3D000': 'the database does not exist',
  '53300': 'the server has no free connection slots',
  '25006': 'the server is read-only',
  '42501': 'permission denied',
};

function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  const known = typeof code === 'string' ? REASONS[code] : undefined;
  const message = redact(error instanceof Error ? error.message : String(error));
  if (known) return `${known} (${message})`;
  if (code === undefined && /timeout|terminated|closed|Connection/i.test(message)) return `the connection was lost (${message})`;
  return message;
}

/** Any failure talking to the database, as STATE_IO naming the state. */
export function databaseError(error: unknown, display: string, action: string): OmsError {
  if (error instanceof OmsError) return error;
  return new OmsError('STATE_IO', `cannot ${action} ${display}: ${reasonOf(error)}`, {}, { cause: error });
}

export function lockedError(display: string, timeoutMs: number, holder: LockHolder | undefined, cause?: unknown): OmsError {
  const who = holder ? `; held by ${holder.command} (pid ${holder.pid} on ${holder.host}) since ${holder.since}` : '';
  return new OmsError('STATE_LOCKED', `${display} is locked by another writer: waited ${timeoutMs} ms${who}`, holder ? { holder } : {}, { cause });
}

export function isLockTimeout(error: unknown): boolean {
  return (error as { code?: unknown })?.code === LOCK_NOT_AVAILABLE;
}
