// Opening a state's files without trusting what sits at their names. A
// symlinked or hard-linked companion lets two paths reach one journal under
// two locks (acknowledged writes lost), and a FIFO or device at a state's
// name would block in open or read without end. So every state file is
// opened without following a final symlink and without blocking, and must
// then be a regular file with exactly one name; anything else is STATE_IO
// naming the file and what to do (SPEC §12, docs/hostile-input.md).

import fs from 'node:fs';
import { OmsError } from '../core/errors.js';
import { ioError } from './durable.js';

const { O_RDONLY, O_RDWR, O_NOFOLLOW, O_NONBLOCK } = fs.constants;

/** What a non-regular file is, for messages. */
export function fileKind(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

export function notRegular(file: string, stat: fs.Stats): OmsError {
  return new OmsError('STATE_IO', `${file} is not a regular file (it is ${fileKind(stat)}): a state and its companion files must be regular files; give another --state`, { file });
}

export function symlinked(file: string): OmsError {
  return new OmsError(
    'STATE_IO',
    `${file} is a symbolic link: oms does not follow links for a state's companion files (two paths to one journal would take two locks); point --state at the real state file, or replace the link with the file`,
    { file },
  );
}

export function hardLinked(file: string, links: number): OmsError {
  return new OmsError(
    'STATE_IO',
    `${file} has ${links} names (a hard link): writes through one name would change the other behind its lock; keep one name (copy with cp, do not link with ln)`,
    { file },
  );
}

/** Checks an open state file: regular, one name. Closes it when it is not. */
export function checkOpened(fd: number, file: string): fs.Stats {
  const stat = fs.fstatSync(fd);
  const problem = !stat.isFile() ? notRegular(file, stat) : stat.nlink > 1 ? hardLinked(file, stat.nlink) : undefined;
  if (problem) {
    fs.closeSync(fd);
    throw problem;
  }
  return stat;
}

/**
 * Opens a state file for reading (or reading and writing). A missing file
 * throws the plain ENOENT error (callers decide what absence means); every
 * other failure is STATE_IO naming the file.
 */
export function openStateFile(file: string, writable = false): number {
  let fd: number;
  try {
    fd = fs.openSync(file, (writable ? O_RDWR : O_RDONLY) | O_NOFOLLOW | O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw error;
    if (code === 'ELOOP') throw symlinked(file);
    // Opening a directory for writing fails before we can say what it is.
    if (code === 'EISDIR' || code === 'ENXIO') throw notRegular(file, fs.lstatSync(file));
    throw ioError(error, file, 'open');
  }
  checkOpened(fd, file);
  return fd;
}

/** Reads a whole state file that was opened with openStateFile. */
export function readStateFile(file: string): string {
  const fd = openStateFile(file);
  try {
    return fs.readFileSync(fd, 'utf8');
  } catch (error) {
    throw ioError(error, file, 'read');
  } finally {
    fs.closeSync(fd);
  }
}

/** Up to `max` bytes from the start of an open file. */
export function readHead(fd: number, max: number): Buffer {
  const buffer = Buffer.alloc(max);
  let filled = 0;
  while (filled < max) {
    const read = fs.readSync(fd, buffer, filled, max - filled, filled);
    if (read === 0) break;
    filled += read;
  }
  return buffer.subarray(0, filled);
}
