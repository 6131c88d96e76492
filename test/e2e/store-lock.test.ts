// The writer lock (SPEC §2) with real holders: a process holding the lock
// through the real lock code (fixtures-store/hold-lock.mjs). A holder killed
// with SIGKILL is taken over at once; a live one makes writers wait, then
// STATE_LOCKED (exit 5) naming it; SIGTERM while waiting is exit 143 and
// leaves no lock of the waiter's behind.
//
// Time: nothing here waits a fixed time. A holder lets go when told (SIGTERM)
// once the writer says it is waiting; a holder lives as long as the file may
// run (the vitest timeout); lock waits meant to succeed get the hang guard.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { companions, FIXTURES, runJson, seedState, spawnOms, stemOf, tempDir } from './fixtures-store/support.js';
import { COMMAND_GUARD_MS, PACE, until } from './helpers.js';

const HOLD = path.join(FIXTURES, 'hold-lock.mjs');
/** A holder outlives any test of the file (each is killed in afterEach); only a leak would reach this. */
const HOLDER_LIFETIME_MS = PACE.commands(60);
/** For a writer that must get the lock: long enough never to be what decides. */
const PATIENT = String(Math.ceil(COMMAND_GUARD_MS / 1000));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function freshState(): Promise<string> {
  const temp = tempDir();
  cleanups.push(temp.cleanup);
  await seedState(temp.state, [{ orderId: 1, symbol: 'AAA', side: 'Buy', amount: 1, price: '1', source: null }]);
  return temp.state;
}

/** Starts a holder (directly, or under `sh` that never reaps it) and waits until it holds the lock. */
async function holdLock(state: string, options: { unreaped?: boolean } = {}): Promise<{ pid: number; process: ResultPromise }> {
  const args = [HOLD, `${stemOf(state)}.lock`, String(COMMAND_GUARD_MS)];
  // `exec sleep` replaces the shell, so nothing ever waits for the holder: killed, it stays a zombie.
  const child = options.unreaped
    ? execa('sh', ['-c', `"${process.execPath}" ${args.map((arg) => `"${arg}"`).join(' ')} & exec sleep infinity`], { reject: false, timeout: HOLDER_LIFETIME_MS })
    : execa(process.execPath, args, { reject: false, timeout: HOLDER_LIFETIME_MS });
  cleanups.push(() => child.kill('SIGKILL'));
  const pid = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += String(chunk);
      const match = /locked (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    void child.then((result) => reject(new Error(`holder ended early: ${String(result.stderr)}`)));
  });
  return { pid, process: child };
}

/** Resolves once a writer says it is waiting for the lock; fails if it ends first. */
function untilWaiting(writer: ResultPromise): Promise<void> {
  let stderr = '';
  return new Promise<void>((resolve, reject) => {
    writer.stderr?.on('data', (chunk: Buffer) => {
      stderr += String(chunk);
      if (stderr.includes('waiting for the state lock')) resolve();
    });
    void writer.then(() => reject(new Error(`the writer ended without waiting: ${stderr}`)));
  });
}

describe('a holder that died', () => {
  it('killed with SIGKILL: the next writer takes the lock over at once', async () => {
    const state = await freshState();
    const holder = await holdLock(state);
    holder.process.kill('SIGKILL');
    await holder.process;
    expect(JSON.parse(fs.readFileSync(`${stemOf(state)}.lock`, 'utf8')).pid).toBe(holder.pid);
    // With --lock-timeout 0 any wait at all would be STATE_LOCKED.
    const immediate = await runJson(state, ['--lock-timeout', '0', 'add', '2', 'AAA', 'buy', '1', '1']);
    expect(immediate.exitCode, immediate.stderr).toBe(0);
    expect(immediate.stderr).not.toContain('waiting for the state lock');

    const again = await holdLock(state);
    again.process.kill('SIGKILL');
    await again.process;
    const patient = await runJson(state, ['--lock-timeout', PATIENT, 'add', '3', 'AAA', 'buy', '1', '1']);
    expect(patient.exitCode, patient.stderr).toBe(0);
    expect(patient.stderr, 'waited for a dead holder').not.toContain('waiting for the state lock');
    expect(fs.existsSync(`${stemOf(state)}.lock`)).toBe(false);
  });

  // BUG: a killed holder that its parent has not reaped yet is a zombie:
  // kill(pid, 0) succeeds and /proc/PID/stat still shows its start time, so
  // it is judged alive. Under a parent that never reaps (a container whose
  // PID 1 is not an init, `timeout -s KILL`), the state stays locked for good.
  it('killed but not yet reaped (a zombie): the next writer still takes the lock over at once', async () => {
    const state = await freshState();
    const holder = await holdLock(state, { unreaped: true });
    process.kill(holder.pid, 'SIGKILL');
    await until(() => /State:\s+Z/.test(fs.readFileSync(`/proc/${holder.pid}/status`, 'utf8')), 'the killed holder to be a zombie');
    const next = await runJson(state, ['--lock-timeout', '0', 'add', '2', 'AAA', 'buy', '1', '1']);
    expect(next.json?.error?.code ?? null, next.stderr).toBe(null);
    expect(next.exitCode).toBe(0);
  });
});

describe('a live holder', () => {
  it('makes a writer wait, then STATE_LOCKED exit 5 naming pid, host, command and since (text and JSON)', async () => {
    const state = await freshState();
    const holder = await holdLock(state);
    const json = await runJson(state, ['--lock-timeout', '0.5', 'add', '2', 'AAA', 'buy', '1', '1']);
    expect(json.exitCode).toBe(5);
    expect(json.json.error).toMatchObject({ code: 'STATE_LOCKED', holder: { pid: holder.pid, host: os.hostname(), command: 'hold-lock fixture' } });
    const since = json.json.error.holder.since as string;
    expect(new Date(since).toISOString()).toBe(since);
    expect(json.stderr).toContain(`waiting for the state lock held by pid ${holder.pid} on ${os.hostname()} ("hold-lock fixture") since ${since}`);

    const text = await spawnOms(state, ['--lock-timeout', '0.5', 'remove', '1']);
    expect(text.exitCode).toBe(5);
    expect(String(text.stderr)).toContain(`oms: error: state is locked by pid ${holder.pid} on ${os.hostname()} running "hold-lock fixture" since ${since}`);
    expect(String(text.stdout)).toBe('');

    const status = await runJson(state, ['status']);
    expect(status.exitCode).toBe(0);
    expect(status.json.lock).toEqual({ pid: holder.pid, host: os.hostname(), command: 'hold-lock fixture', since });
    const orders = await runJson(state, ['--lock-timeout', '0', 'orders']);
    expect(orders.exitCode).toBe(0);
  });

  // BUG: every sleep while waiting adds an abort listener to the signal and
  // none is removed, so after ~11 sleeps Node prints
  // "MaxListenersExceededWarning: Possible EventTarget memory leak" on stderr,
  // which --quiet cannot silence.
  it('waiting prints nothing but the waiting notice and the error', async () => {
    const state = await freshState();
    await holdLock(state);
    const result = await runJson(state, ['--lock-timeout', '1', 'add', '2', 'AAA', 'buy', '1', '1']);
    expect(result.exitCode).toBe(5);
    expect(result.stderr).not.toContain('Warning');
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
  });

  it('a writer waits while the holder works and goes ahead once it lets go', async () => {
    const state = await freshState();
    const holder = await holdLock(state);
    const writer = spawnOms(state, ['--json', '--lock-timeout', PATIENT, 'add', '2', 'AAA', 'buy', '1', '1']);
    await untilWaiting(writer);
    holder.process.kill('SIGTERM');
    const result = await writer;
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(String(result.stderr)).toContain('waiting for the state lock');
    expect(JSON.parse(String(result.stdout)).order.orderId).toBe(2);
  });

  it('SIGTERM while waiting: exit 143, nothing written, and no lock of the waiter left behind', async () => {
    const state = await freshState();
    const holder = await holdLock(state);
    const lockBefore = fs.readFileSync(`${stemOf(state)}.lock`, 'utf8');
    const journalBefore = fs.readFileSync(`${stemOf(state)}.journal`);
    const waiter = spawnOms(state, ['--lock-timeout', PATIENT, 'add', '2', 'AAA', 'buy', '1', '1']);
    await untilWaiting(waiter);
    waiter.kill('SIGTERM');
    const result = await waiter;
    expect(result.exitCode).toBe(143);
    expect(fs.readFileSync(`${stemOf(state)}.lock`, 'utf8')).toBe(lockBefore);
    expect(fs.readFileSync(`${stemOf(state)}.journal`).equals(journalBefore)).toBe(true);
    holder.process.kill('SIGTERM');
    await holder.process;
    expect(companions(state).filter((name) => name.includes('.lock'))).toEqual([]);
  });
});
