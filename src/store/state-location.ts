// Which state a path names, decided once before anything is opened or
// locked. Symlinks (of the file or of any directory above it) are resolved,
// so every path that reaches one state derives the same companion files and
// so the same lock. A path that could never be a state is refused at once: a
// name that is another state's companion (its lock, journal, index, takeover
// guard, a set-aside lock or a temp file: the two states would overwrite or
// delete each other's files), and an existing file that is not a regular
// file with one name (a device read without end, a FIFO that blocks in open).
// See docs/hostile-input.md, "State files".

import fs from 'node:fs';
import path from 'node:path';
import { OmsError } from '../core/errors.js';
import { ioError } from './durable.js';
import { statePaths, type StatePaths } from './paths.js';
import { hardLinked, notRegular, openStateFile, readHead } from './safe-open.js';

/** Symlinks followed before giving up (Linux's own limit is 40). */
const MAX_LINKS = 40;

/** Names a state's companions take, as `[pattern, what it is]`. */
const COMPANION_NAMES: [RegExp, string][] = [
  [/\.lock$/, 'the writer lock'],
  [/\.journal$/, 'the journal'],
  [/\.index$/, 'the key index'],
  [/\.lock\.takeover$/, 'the lock takeover guard'],
  [/\.lock\.abandoned-[^/]*$/, 'a lock file set aside'],
  [/\.tmp-\d+-[a-z0-9]+$/, 'a temp file'],
];

function invalid(location: string, message: string): OmsError {
  return new OmsError('INVALID_ARGUMENT', `state: ${message}`, { field: 'state', value: location });
}

function realDirectory(dir: string): string {
  try {
    return fs.realpathSync.native(dir);
  } catch (error) {
    // A missing directory is reported when the state is created in it.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return dir;
    throw ioError(error, dir, 'resolve');
  }
}

/** The path with every symlink on the way resolved, even when the final target does not exist yet. */
export function realLocation(location: string): string {
  let current = path.resolve(location);
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    const dir = realDirectory(path.dirname(current));
    current = path.join(dir, path.basename(current));
    let target: string;
    try {
      target = fs.readlinkSync(current);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EINVAL' || code === 'ENOENT' || code === 'ENOTDIR') return current;
      throw ioError(error, current, 'resolve');
    }
    current = path.resolve(dir, target);
  }
  throw new OmsError('STATE_IO', `cannot resolve ${location}: too many levels of symbolic links`, { file: location });
}

/** True if `file` is a regular file that starts as an oms state snapshot. */
function isStateFile(file: string): boolean {
  let fd: number;
  try {
    fd = openStateFile(file);
  } catch {
    return false;
  }
  try {
    return readHead(fd, 16).toString('latin1').startsWith('{"oms":"state",');
  } finally {
    fs.closeSync(fd);
  }
}

function checkName(location: string, real: string): void {
  const base = path.basename(real);
  for (const [pattern, what] of COMPANION_NAMES) {
    const match = pattern.exec(base);
    if (!match) continue;
    const rest = real.slice(0, real.length - match[0].length);
    const owner = what === 'a temp file' ? rest : `${rest}.json`;
    throw invalid(
      location,
      `${real} is named like ${what} of ${owner}; a state there would overwrite (or have deleted) that state's files: choose another name (a state file normally ends in .json)`,
    );
  }
  // `x` and `x.json` share their companions (stem `x`): refuse the second of them.
  const twin = real.endsWith('.json') ? real.slice(0, -'.json'.length) : `${real}.json`;
  if (isStateFile(twin)) {
    throw invalid(location, `${real} and the state ${twin} would share their journal and lock (both have the stem ${real.endsWith('.json') ? twin : real}): choose another name`);
  }
}

function checkFile(real: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(real);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw ioError(error, real, 'read');
  }
  if (!stat.isFile()) throw notRegular(real, stat);
  if (stat.nlink > 1) throw hardLinked(real, stat.nlink);
}

/**
 * The files of the state `location` names, after resolving symlinks and
 * refusing a path that can never be a state (see the file comment).
 */
export function locateState(location: string): StatePaths {
  if (location === '') throw invalid(location, 'an empty path names no file; give a path');
  const real = realLocation(location);
  checkName(location, real);
  checkFile(real);
  return statePaths(real);
}
