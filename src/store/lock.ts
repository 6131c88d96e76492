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

import fs from 'node:fs';
import os from 'node:os';
import { OmsError } from '../core/errors.js';
import type { Holder as LockHolder } from './store.js';
import { ioError } from './durable.js';
import { tempPathFor } from './paths.js';

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
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.token === 'string') return value;
  } catch {
    // A lock being written right now reads as empty or partial.
  }
  return undefined;
}

function publicHolder(holder: StoredHolder): LockHolder {
  return { pid: holder.pid, host: holder.host, command: holder.command, since: holder.since };
}

/** Who holds the lock at `path` now, if anyone. */
export function readHolder(path: string): LockHolder | undefined {
  try {
    const holder = parseHolder(fs.readFileSync(path, 'utf8'));
    return holder ? publicHolder(holder) : undefined;
  } catch {
    return undefined;
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
        fs.utimesSync(this.path, now, now);
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
      const raw = readRaw(path);
      const current = raw === undefined ? undefined : parseHolder(raw);
      if (raw !== undefined && isAbandoned(path, current)) {
        takeOver(path, raw);
        continue;
      }
      if (raw === undefined) continue;
      if (Date.now() >= deadline) {
        const shown = current ? publicHolder(current) : undefined;
        const who = shown ? `pid ${shown.pid} on ${shown.host} running "${shown.command}" since ${shown.since}` : 'another process';
        throw new OmsError('STATE_LOCKED', `state is locked by ${who}; gave up after ${options.timeoutMs / 1000}s (--lock-timeout)`, shown ? { holder: shown } : {});
      }
      if (!waiting && current) {
        waiting = true;
        options.onWait?.(publicHolder(current));
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
      const current = parseHolder(fs.readFileSync(this.path, 'utf8'));
      if (current?.token === this.token) fs.unlinkSync(this.path);
    } catch {
      // Already gone.
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

function readRaw(path: string): string | undefined {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError(error, path, 'read the lock');
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - fs.statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function isAbandoned(path: string, holder: StoredHolder | undefined): boolean {
  // Locks are linked into place whole, so an unreadable one was not made by us.
  if (!holder) return ageMs(path) > FOREIGN_STALE_MS;
  if (holder.host === hostname) return !isAlive(holder);
  return ageMs(path) > FOREIGN_STALE_MS;
}

/**
 * Removes an abandoned lock, but only if it still holds what we judged
 * abandoned, and only while holding the takeover guard.
 */
function takeOver(path: string, judged: string): void {
  const guard = `${path}.takeover`;
  let fd: number;
  try {
    fd = fs.openSync(guard, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(error, guard, 'create');
    // A taker-over that died mid-way leaves its guard behind.
    const owner = Number(readRaw(guard) ?? '');
    const dead = Number.isInteger(owner) && owner > 0 && !isAlive({ pid: owner } as StoredHolder);
    if (dead || ageMs(guard) > 5_000) {
      try {
        fs.unlinkSync(guard);
      } catch {
        // Someone else cleared it.
      }
    }
    return;
  }
  try {
    fs.writeSync(fd, String(process.pid));
    if (readRaw(path) === judged) fs.unlinkSync(path);
  } finally {
    fs.closeSync(fd);
    fs.unlinkSync(guard);
  }
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
