// Lock files oms did not make (SPEC §12, issue 16 clause 2): an empty,
// garbage or unreadable lock is reported as such (path, age, what to do) and
// taken over once older than the stale age, by moving it aside (nothing is
// deleted that oms did not create as a lock); a lock that is another state's
// file, a symlink (to a victim or a device) or not a regular file is never
// read without bound, never taken over, and refused at once.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OmsError } from '../../src/core/errors.js';
import { diagnose } from '../../src/store/doctor.js';
import { FOREIGN_STALE_MS, WriterLock } from '../../src/store/lock.js';
import { FileStore } from '../../src/store/file/store.js';
import { add, tempState } from './helpers.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function lockPath(): { dir: string; lock: string } {
  const temp = tempState();
  cleanups.push(temp.cleanup);
  return { dir: temp.dir, lock: path.join(temp.dir, 'state.lock') };
}

function age(file: string, ms: number): void {
  const then = new Date(Date.now() - ms);
  fs.utimesSync(file, then, then);
}

async function refusal(lock: string, timeoutMs = 0): Promise<OmsError> {
  try {
    const held = await WriterLock.acquire(lock, { timeoutMs, command: 'test' });
    held.release();
  } catch (error) {
    if (error instanceof OmsError) return error;
    throw error;
  }
  throw new Error('the lock was taken');
}

describe('an empty or garbage lock file', () => {
  for (const [what, content] of [
    ['empty', ''],
    ['garbage', 'not a lock\n'],
  ] as const) {
    it(`${what}, fresh: STATE_LOCKED naming the file, that it is ${what}, its age and what to do`, async () => {
      const { lock } = lockPath();
      const state = path.join(path.dirname(lock), 'state.json');
      const store = new FileStore(state);
      await store.write((tx) => tx.execute(add(1), 'op-1'));
      await store.close();
      fs.writeFileSync(lock, content);
      const error = await refusal(lock);
      expect(error.code).toBe('STATE_LOCKED');
      expect(error.message).toContain(lock);
      expect(error.message).toContain(what === 'empty' ? 'is empty' : 'is not a lock oms wrote');
      expect(error.message).toMatch(/\d+ s old/);
      expect(error.message).toContain(`taken over once ${FOREIGN_STALE_MS / 1000} s old`);
      expect(error.message).toMatch(/delete it/);
      expect(fs.readFileSync(lock, 'utf8')).toBe(content);
      const doctor = diagnose(state);
      expect(doctor.findings.find((finding) => finding.part === 'lock')?.message).toContain(what === 'empty' ? 'is empty' : 'is not a lock oms wrote');
    });

    it(`${what}, older than the stale age: taken over at once, the file moved aside, not deleted`, async () => {
      const { dir, lock } = lockPath();
      fs.writeFileSync(lock, content);
      age(lock, FOREIGN_STALE_MS + 60_000);
      const notices: string[] = [];
      const held = await WriterLock.acquire(lock, { timeoutMs: 0, command: 'test', onNotice: (message) => notices.push(message) });
      held.release();
      const aside = fs.readdirSync(dir).filter((name) => name.startsWith('state.lock.abandoned-'));
      expect(aside).toHaveLength(1);
      expect(fs.readFileSync(path.join(dir, aside[0] as string), 'utf8')).toBe(content);
      expect(notices.join('\n')).toContain(aside[0]);
    });
  }

  it.skipIf(process.getuid?.() === 0)('unreadable (mode 000): reported as unreadable, taken over once stale', async () => {
    const { lock } = lockPath();
    fs.writeFileSync(lock, '{"pid":1}', { mode: 0 });
    const error = await refusal(lock);
    expect(error.code).toBe('STATE_LOCKED');
    expect(error.message).toContain('cannot be read');
    age(lock, FOREIGN_STALE_MS + 60_000);
    (await WriterLock.acquire(lock, { timeoutMs: 0, command: 'test' })).release();
  });
});

describe('a lock file that oms never takes over', () => {
  it("another state's snapshot or journal named like the lock: refused at once (STATE_IO), left alone however old", async () => {
    const { lock } = lockPath();
    const text = '{"oms":"state","schema":1,"convention":"document","journalId":"abc","orders":[\n]}\n';
    fs.writeFileSync(lock, text);
    age(lock, FOREIGN_STALE_MS + 60_000);
    const error = await refusal(lock, 60_000);
    expect(error.code).toBe('STATE_IO');
    expect(error.message).toContain(lock);
    expect(error.message).toMatch(/oms state file/);
    expect(fs.readFileSync(lock, 'utf8')).toBe(text);
  });

  it('a symlink to a victim file or to /dev/zero: refused at once (STATE_IO), the victim never read or touched', async () => {
    const { dir, lock } = lockPath();
    const victim = path.join(dir, 'victim.txt');
    fs.writeFileSync(victim, 'precious');
    age(victim, FOREIGN_STALE_MS + 60_000);
    for (const target of [victim, '/dev/zero']) {
      fs.rmSync(lock, { force: true });
      fs.symlinkSync(target, lock);
      const error = await refusal(lock, 60_000);
      expect(error.code).toBe('STATE_IO');
      expect(error.message).toContain(lock);
      expect(error.message).toMatch(/symbolic link/);
      expect(fs.lstatSync(lock).isSymbolicLink()).toBe(true);
    }
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
  });

  it('a directory or a FIFO: refused at once (STATE_IO), not waited on', async () => {
    const { dir, lock } = lockPath();
    fs.mkdirSync(lock);
    const error = await refusal(lock, 60_000);
    expect(error.code).toBe('STATE_IO');
    expect(error.message).toMatch(/not a regular file/);
    fs.rmdirSync(lock);
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [lock]);
    const fifo = await refusal(lock, 60_000);
    expect(fifo.code).toBe('STATE_IO');
    expect(fs.readdirSync(dir)).toEqual(['state.lock']);
  });

  it('the takeover guard, if a symlink, is never followed', async () => {
    const { dir, lock } = lockPath();
    fs.writeFileSync(lock, '');
    age(lock, FOREIGN_STALE_MS + 60_000);
    const victim = path.join(dir, 'victim.txt');
    fs.writeFileSync(victim, 'precious');
    fs.symlinkSync(victim, `${lock}.takeover`);
    const error = await refusal(lock, 0).catch((e: unknown) => e as OmsError);
    expect(error.code).toBe('STATE_IO');
    expect(error.message).toMatch(/symbolic link/);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
  });
});
