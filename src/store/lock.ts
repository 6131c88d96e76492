// The writer lock. We write this small piece ourselves instead of wrapping
// proper-lockfile because what SPEC §2 needs is exactly what it lacks: the
// lock file records its holder (pid, host, command, since) so a waiter can
// name it, and a lock whose holder process is gone on this host is taken over
// at once instead of after a staleness timeout. A lock held from another host
// is taken over only once its heartbeat (the file's mtime) is stale.
//
// Acquire is an exclusive create (O_EXCL) of STEM.lock. Taking over a dead
// holder's lock is serialised by a second short-lived exclusive file, so two
// waiters that both judge the same holder dead cannot both take over.
//
// The lock's name may hold something else (SPEC §12): it is read without
// following a link or blocking, and never past a lock's size. A file oms did
// not write as a lock (empty, garbage, unreadable) is reported with its age
// and moved aside once stale, never deleted; a link, a non-regular file or
// another state's file there is refused at once.

import fs from 'node:fs';
import os from 'node:os';
import { OmsError } from '../core/errors.js';
import type { Holder as LockHolder } from './store.js';
import { ioError } from './durable.js';
import { tempPathFor } from './paths.js';
import { fileKind, readHead } from './safe-open.js';

export interface LockOptions {
  /** How long to wait for a live holder before STATE_LOCKED. */
  timeoutMs: number;
  /** What the holder is doing, shown to waiters. */
  command: string;
  mode?: number;
  /** Called once when the lock is busy and we start waiting. */
  onWait?: (holder: LockHolder) => void;
  /** Aborts the wait (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** What is worth telling the user: a lock file oms did not write, and what became of it. */
  onNotice?: (message: string) => void;
}

interface StoredHolder extends LockHolder {
  /** Kernel start time of the holder process, so a reused pid is not mistaken for it. */
  start?: string;
  token: string;
}

/** A lock from another host is stale once its heartbeat is this old. */
export const FOREIGN_STALE_MS = 30_000;
const HEARTBEAT_MS = 10_000;
const hostname = os.hostname();
const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;

/** A process's state letter and kernel start time (Linux), or undefined. */
function processStat(pid: number): { state: string; start: string } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', start: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

function processStart(pid: number): string | undefined {
  return processStat(pid)?.start;
}

function isAlive(holder: StoredHolder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const stat = processStat(holder.pid);
  if (!stat) return true;
  // Killed but not yet reaped by its parent: it holds nothing any more.
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return holder.start === undefined || stat.start === holder.start;
}

function parseHolder(raw: string): StoredHolder | undefined {
  try {
    const value = JSON.parse(raw) as StoredHolder;
    if (value && typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.token === 'string') return value;
  } catch {
    // Not a lock we wrote: reported by the caller.
  }
  return undefined;
}

function publicHolder(holder: StoredHolder): LockHolder {
  return { pid: holder.pid, host: holder.host, command: holder.command, since: holder.since };
}

/** Who holds the lock at `path` now, if anyone. */
export function readHolder(path: string): LockHolder | undefined {
  try {
    const found = inspect(path);
    return found.kind === 'held' ? publicHolder(found.holder) : undefined;
  } catch {
    return undefined;
  }
}

/** What is wrong with the file at the lock's path, if it is not a lock (for `oms doctor`). */
export function lockProblem(path: string): string | undefined {
  try {
    const found = inspect(path);
    return found.kind === 'unknown' ? describeUnknown(path, found) : undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

// Locks this process holds, released if it exits without reaching `release`
// (process.exit after a second signal, an uncaught error).
const held = new Set<WriterLock>();
process.on('exit', () => {
  for (const lock of held) lock.release();
});

export class WriterLock {
  private heartbeat: NodeJS.Timeout | undefined;
  private released = false;

  private constructor(
    readonly path: string,
    private readonly token: string,
  ) {
    this.heartbeat = setInterval(() => {
      try {
        const now = new Date();
        // Never through a link: only our own file's time moves.
        fs.lutimesSync(this.path, now, now);
      } catch {
        // If the file is gone there is nothing to keep fresh.
      }
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
    held.add(this);
  }

  static async acquire(path: string, options: LockOptions): Promise<WriterLock> {
    const token = `${hostname}:${process.pid}:${Date.now()}:${Math.random().toString(36).slice(2)}`;
    const holder: StoredHolder = {
      pid: process.pid,
      host: hostname,
      command: options.command,
      since: new Date().toISOString(),
      start: processStart(process.pid),
      token,
    };
    const deadline = Date.now() + options.timeoutMs;
    let delay = 2;
    let waiting = false;
    for (;;) {
      if (options.signal?.aborted) throw new OmsError('INTERRUPTED', 'interrupted while waiting for the state lock');
      if (tryCreate(path, holder, options.mode ?? 0o600)) return new WriterLock(path, token);
      const found = inspect(path);
      if (found.kind === 'missing') continue;
      if (isAbandoned(path, found) && takeOver(path, found, options)) continue;
      if (Date.now() >= deadline) {
        if (found.kind === 'unknown') {
          throw new OmsError('STATE_LOCKED', `cannot take the state lock: ${describeUnknown(path, found)}; gave up after ${options.timeoutMs / 1000}s (--lock-timeout)`, { file: path });
        }
        const shown = publicHolder(found.holder);
        const who = `pid ${shown.pid} on ${shown.host} running "${shown.command}" since ${shown.since}`;
        throw new OmsError('STATE_LOCKED', `state is locked by ${who}; gave up after ${options.timeoutMs / 1000}s (--lock-timeout)`, { holder: shown });
      }
      if (!waiting) {
        waiting = true;
        if (found.kind === 'held') options.onWait?.(publicHolder(found.holder));
        else options.onNotice?.(`waiting for the state lock: ${describeUnknown(path, found)}`);
      }
      await sleep(Math.min(delay, Math.max(1, deadline - Date.now())), options.signal);
      delay = Math.min(delay * 2, 50);
    }
  }

  /** Releases the lock if it is still ours. Safe to call twice, and from a signal handler. */
  release(): void {
    if (this.released) return;
    this.released = true;
    held.delete(this);
    if (this.heartbeat) clearInterval(this.heartbeat);
    try {
      const current = inspect(this.path);
      if (current.kind === 'held' && current.holder.token === this.token) fs.unlinkSync(this.path);
    } catch {
      // Already gone, or no longer ours to remove.
    }
  }
}

function tryCreate(path: string, holder: StoredHolder, mode: number): boolean {
  // Written aside and hard-linked into place, so the lock never exists
  // without its holder in it.
  const temp = tempPathFor(path);
  try {
    const fd = fs.openSync(temp, 'wx', mode);
    try {
      fs.fchmodSync(fd, mode);
      fs.writeSync(fd, JSON.stringify(holder));
    } finally {
      fs.closeSync(fd);
    }
    fs.linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw ioError(error, path, 'create the lock');
  } finally {
    try {
      fs.unlinkSync(temp);
    } catch {
      // Never created.
    }
  }
}

/** What sits at the lock's path. */
type Found =
  | { kind: 'missing' }
  | { kind: 'held'; raw: string; holder: StoredHolder }
  /** A file oms did not write as a lock (locks are linked into place whole): empty, garbage or unreadable. */
  | { kind: 'unknown'; raw: string | undefined; ino: number; why: string };

/** A lock is a short JSON object; anything longer is not one, and is never read further. */
const MAX_LOCK_BYTES = 4096;

function notALock(path: string, what: string): OmsError {
  return new OmsError('STATE_IO', `${path} ${what}, not a lock oms made: oms never follows or takes it over; remove it if no oms is using this state`, { file: path });
}

/**
 * Looks at the lock file without following a link, blocking or reading more
 * than a lock's size. What can never be a lock of ours is an error at once.
 */
function inspect(path: string): Found {
  let fd: number;
  try {
    fd = fs.openSync(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    if (code === 'ELOOP') throw notALock(path, 'is a symbolic link');
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(path);
    } catch {
      return { kind: 'missing' };
    }
    if (!stat.isFile()) throw notALock(path, `is not a regular file (it is ${fileKind(stat)})`);
    if (code === 'EACCES' || code === 'EPERM') return { kind: 'unknown', raw: undefined, ino: stat.ino, why: `cannot be read (${code})` };
    throw ioError(error, path, 'read the lock');
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw notALock(path, `is not a regular file (it is ${fileKind(stat)})`);
    const bytes = readHead(fd, MAX_LOCK_BYTES + 1);
    const raw = bytes.toString('utf8');
    if (raw.startsWith('{"oms":')) {
      throw new OmsError('STATE_IO', `${path} is an oms state file, not a lock (another state named like this state's lock?): oms never takes it over; rename that state`, { file: path });
    }
    const holder = bytes.length <= MAX_LOCK_BYTES ? parseHolder(raw) : undefined;
    if (holder) return { kind: 'held', raw, holder };
    return { kind: 'unknown', raw, ino: stat.ino, why: bytes.length === 0 ? 'is empty' : 'is not a lock oms wrote' };
  } finally {
    fs.closeSync(fd);
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - fs.lstatSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** The lock file oms did not write, its age and what to do, for waiters and errors. */
function describeUnknown(path: string, found: Found & { kind: 'unknown' }): string {
  const age = Math.max(0, Math.floor(ageMs(path) / 1000));
  return `${path} ${found.why} (${age} s old): no running oms holds it (oms writes its lock whole); it is taken over once ${FOREIGN_STALE_MS / 1000} s old, or delete it if no oms is using this state`;
}

function isAbandoned(path: string, found: Found): boolean {
  if (found.kind === 'missing') return false;
  if (found.kind === 'unknown') return ageMs(path) > FOREIGN_STALE_MS;
  if (found.holder.host === hostname) return !isAlive(found.holder);
  return ageMs(path) > FOREIGN_STALE_MS;
}

function sameFile(a: Found, b: Found): boolean {
  if (a.kind === 'held' && b.kind === 'held') return a.raw === b.raw;
  if (a.kind === 'unknown' && b.kind === 'unknown') return a.ino === b.ino && a.raw === b.raw;
  return false;
}

/** A file oms did not make is moved aside, never deleted. */
function setAside(path: string): string {
  const aside = `${path}.abandoned-${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 8)}`;
  fs.renameSync(path, aside);
  return aside;
}

/**
 * Takes over an abandoned lock, but only if it still holds what we judged
 * abandoned, and only while holding the takeover guard: a dead holder's lock
 * is removed, a file oms did not write as a lock is moved aside. False when
 * another process is taking over right now.
 */
function takeOver(path: string, judged: Found, options: LockOptions): boolean {
  const guard = `${path}.takeover`;
  let fd: number;
  try {
    // O_EXCL: an existing guard, even a link, is never followed.
    fd = fs.openSync(guard, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(error, guard, 'create');
    return clearStaleGuard(guard, options);
  }
  try {
    fs.writeSync(fd, String(process.pid));
    const now = inspect(path);
    if (!sameFile(now, judged)) return true;
    if (judged.kind === 'unknown') {
      const description = describeUnknown(path, judged);
      const aside = setAside(path);
      options.onNotice?.(`took the state lock over: ${description.split(':')[0]}; moved it aside to ${aside}`);
    } else {
      fs.unlinkSync(path);
    }
    return true;
  } finally {
    fs.closeSync(fd);
    fs.unlinkSync(guard);
  }
}

/** A taker-over that died mid-way leaves its guard behind: cleared once its process is gone or it is old. */
function clearStaleGuard(guard: string, options: LockOptions): boolean {
  let found: Found;
  try {
    found = inspect(guard);
  } catch (error) {
    if (error instanceof OmsError) throw new OmsError(error.code, error.message.replace('not a lock oms made', 'not a takeover guard oms made'), error.details);
    throw error;
  }
  if (found.kind === 'missing') return true;
  const owner = Number(found.raw ?? '');
  const ours = Number.isInteger(owner) && owner > 0;
  const old = ageMs(guard) > 5_000;
  if (ours && (old || !isAlive({ pid: owner } as StoredHolder))) {
    try {
      fs.unlinkSync(guard);
    } catch {
      // Someone else cleared it.
    }
    return true;
  }
  if (!ours && old) {
    options.onNotice?.(`${guard} is not a takeover guard oms wrote; moved it aside to ${setAside(guard)}`);
    return true;
  }
  return false;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
