// The few file-system moves that make a write durable, and the translation of
// file-system failures into STATE_IO errors that name the file and the cause.
// Everything is synchronous on purpose: a commit is a short critical section
// that a signal handler must never observe half done.

import fs from 'node:fs';
import path from 'node:path';
import { OmsError } from '../core/errors.js';
import { tempPathFor } from './paths.js';

const CAUSES: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a parent is not a directory',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or directory',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
};

/** Wraps a file-system error as STATE_IO naming the file and what failed. */
export function ioError(error: unknown, file: string, action: string): OmsError {
  if (error instanceof OmsError) return error;
  const code = (error as NodeJS.ErrnoException)?.code ?? '';
  const known = CAUSES[code];
  const cause = known ? `${known} (${code})` : (error as Error)?.message || String(error);
  return new OmsError('STATE_IO', `cannot ${action} ${file}: ${cause}`, { file }, { cause: error });
}

export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** The permission bits a companion file gets: the snapshot's, else 0600. */
export function stateMode(snapshot: string): number {
  try {
    return fs.statSync(snapshot).mode & 0o777;
  } catch {
    return 0o600;
  }
}

/**
 * Replaces `target` with `data` so that a crash leaves either the old or the
 * new file: unique temp file (exclusive create), write, fsync, rename, fsync
 * the directory. `beforeSync` may patch what was written (a checksum known
 * only at the end). Returns the bytes written.
 */
export function replaceFile(target: string, data: string | Uint8Array | Iterable<string>, mode: number, beforeSync?: (fd: number) => void): number {
  const temp = tempPathFor(target);
  let fd: number | undefined;
  let size = 0;
  try {
    fd = fs.openSync(temp, 'wx', mode);
    fs.fchmodSync(fd, mode);
    const chunks = typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
    for (const chunk of chunks) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      writeAll(fd, bytes, size);
      size += bytes.length;
    }
    beforeSync?.(fd);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, target);
    fsyncDir(path.dirname(target));
  } catch (error) {
    if (fd !== undefined) fs.closeSync(fd);
    try {
      fs.unlinkSync(temp);
    } catch {
      // The temp file may never have been created.
    }
    throw ioError(error, target, 'write');
  }
  return size;
}

export function writeAll(fd: number, data: string | Uint8Array, position?: number): void {
  const buffer = typeof data === 'string' ? Buffer.from(data) : data;
  let done = 0;
  while (done < buffer.length) {
    done += fs.writeSync(fd, buffer, done, buffer.length - done, position === undefined ? null : position + done);
  }
}
