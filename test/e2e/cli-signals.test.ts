// Locks and signals through the binary (SPEC §2, §3): a writer that cannot
// get the lock in --lock-timeout fails with STATE_LOCKED naming the holder;
// readers and `price` take no lock; a dead holder's lock is taken over at
// once; SIGTERM / SIGINT on a waiting writer exit 143 / 130 with the state
// unchanged and no lock of its own left behind.

import fs from 'node:fs';
import os from 'node:os';
import { execa, type ResultPromise } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMAND_GUARD_MS, OMS, ROOT, oms, omsJson, stateFiles, tempState, type TempState } from './helpers.js';

const states: TempState[] = [];
// Tests run concurrently (each on its own state), so temp states are cleaned up at the end.
afterAll(() => {
  for (const state of states) state.cleanup();
});

async function seeded(): Promise<TempState> {
  const state = tempState();
  states.push(state);
  const added = await oms(['-q', 'add', '1', 'JPM', 'buy', '20', '20'], { state: state.state });
  expect(added.exitCode, String(added.stderr)).toBe(0);
  return state;
}

function lockPath(state: string): string {
  return state.replace(/\.json$/, '.lock');
}

/** Writes the lock file as a live process on this host would: this test process is the holder. */
function holdLock(state: string, pid = process.pid): string {
  const holder = { pid, host: os.hostname(), command: 'oms test holding the lock', since: '2026-01-02T03:04:05.000Z', token: 'test-holder' };
  fs.writeFileSync(lockPath(state), JSON.stringify(holder));
  return JSON.stringify(holder);
}

/**
 * A writer that will wait for the lock; resolves once it says it is waiting.
 * Its --lock-timeout outlasts its hang guard: it ends by a signal or by the
 * test letting go of the lock, never by giving up.
 */
async function waitingWriter(state: string, args: string[]): Promise<{ child: ResultPromise; stderr: () => string }> {
  const child = execa(process.execPath, [OMS, '--state', state, '--lock-timeout', String(Math.ceil((COMMAND_GUARD_MS * 2) / 1000)), ...args], {
    reject: false,
    cwd: ROOT,
    env: { NO_COLOR: undefined, FORCE_COLOR: undefined },
    timeout: COMMAND_GUARD_MS,
  });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('waiting for the state lock')) resolve();
    });
    child.once('exit', () => reject(new Error(`writer exited before waiting: ${stderr}`)));
  });
  return { child, stderr: () => stderr };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The waiter polls the lock at 2, 4, 8, 16, 32 ms, then every 50 ms: this is
 * long enough for 15 polls or more (a listener leak shows after 11). It is a
 * floor, not a deadline: on a slow machine the waiter polls less often in
 * this time, which weakens the check but cannot make it fail.
 */
const MANY_POLLS_MS = 700;

describe.concurrent('the writer lock', () => {
  it('STATE_LOCKED after --lock-timeout, exit 5, naming the holder; readers and price do not wait', async () => {
    const { state } = await seeded();
    const lock = holdLock(state);
    const before = stateFiles(state);

    const { result, json } = await omsJson(['--lock-timeout', '0.2', 'add', '2', 'JPM', 'buy', '1', '1'], { state });
    expect(result.exitCode).toBe(5);
    expect(json.error).toMatchObject({
      code: 'STATE_LOCKED',
      holder: { pid: process.pid, host: os.hostname(), command: 'oms test holding the lock', since: '2026-01-02T03:04:05.000Z' },
    });
    expect(json.error.message).toContain(String(process.pid));
    expect(json.error.message).toContain('oms test holding the lock');
    const text = await oms(['--lock-timeout', '0', 'remove', '1'], { state });
    expect(text.exitCode).toBe(5);
    expect(text.stderr).toMatch(new RegExp(`oms: error: .*pid ${process.pid}.*oms test holding the lock`));

    const reads = await Promise.all([
      omsJson(['--lock-timeout', '0', 'price', 'JPM', 'buy', '20'], { state }),
      omsJson(['--lock-timeout', '0', 'orders'], { state }),
      omsJson(['--lock-timeout', '0', 'book', 'JPM'], { state }),
      omsJson(['--lock-timeout', '0', 'history'], { state }),
    ]);
    for (const read of reads) expect(read.result.exitCode, String(read.result.stderr)).toBe(0);
    expect(reads[0]!.json.total).toBe('400');
    const status = await omsJson(['status'], { state });
    expect(status.json.lock).toMatchObject({ pid: process.pid, command: 'oms test holding the lock' });

    expect(stateFiles(state)).toEqual(before);
    expect(fs.readFileSync(lockPath(state), 'utf8')).toBe(lock);
  });

  it('a lock whose holder process is gone is taken over at once', async () => {
    const { state } = await seeded();
    const gone = await execa(process.execPath, ['-e', 'console.log(process.pid)']);
    holdLock(state, Number(gone.stdout));
    const { result, json } = await omsJson(['--lock-timeout', '0', 'add', '2', 'JPM', 'buy', '1', '1'], { state });
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(json.order.orderId).toBe(2);
    expect(fs.existsSync(lockPath(state))).toBe(false);
  });

  it('a waiting writer gets the lock once the holder lets go', async () => {
    const { state } = await seeded();
    holdLock(state);
    const writer = await waitingWriter(state, ['--json', 'add', '2', 'JPM', 'buy', '1', '1']);
    fs.unlinkSync(lockPath(state));
    const result = await writer.child;
    expect(result.exitCode, writer.stderr()).toBe(0);
    expect(JSON.parse(String(result.stdout)).order.orderId).toBe(2);
    expect(fs.existsSync(lockPath(state))).toBe(false);
  });
});

describe.concurrent('signals', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s on a writer waiting for the lock: exit %i, INTERRUPTED, state unchanged, lock not taken', async (signal, exit) => {
    const { state, dir } = await seeded();
    const lock = holdLock(state);
    const before = stateFiles(state);
    const writer = await waitingWriter(state, ['--json', 'add', '2', 'JPM', 'buy', '1', '1']);
    await sleep(MANY_POLLS_MS);
    writer.child.kill(signal);
    const result = await writer.child;

    expect(result.exitCode).toBe(exit);
    expect(JSON.parse(String(result.stdout)).error.code).toBe('INTERRUPTED');
    expect(writer.stderr()).toMatch(/oms: error: .*interrupted/i);
    expect(stateFiles(state)).toEqual(before);
    expect(fs.readFileSync(lockPath(state), 'utf8')).toBe(lock);
    expect(fs.readdirSync(dir).sort()).toEqual(Object.keys(before).sort());

    // Once the holder lets go, the next writer goes straight in: nothing of the interrupted one is left.
    fs.unlinkSync(lockPath(state));
    const next = await omsJson(['--lock-timeout', '0', 'add', '2', 'JPM', 'buy', '1', '1'], { state });
    expect(next.result.exitCode, String(next.result.stderr)).toBe(0);
    expect(next.json.replayed).toBe(false);
    // Waiting many polls must not leak listeners on the abort signal (a MaxListenersExceededWarning).
    expect(writer.stderr(), 'no warnings or stack traces').not.toMatch(/Warning|\n\s+at /);
  });
});
