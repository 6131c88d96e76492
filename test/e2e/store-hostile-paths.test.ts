// Hostile state paths (SPEC §12, issue 16 clauses 1-3) through the built
// binary: one lock per journal whatever path reaches it (a symlinked snapshot,
// companions or directory), symlinked or hard-linked companions refused, a
// path named like another state's companion refused, and a path that is not
// a regular file (device, FIFO, socket, directory, '') refused at once, never
// read without bound nor waited on. Exit codes: 2 for a path that can never
// name a state (''/a companion's name), 4 (STATE_IO) for a file that is not
// what a state file must be.

import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMAND_GUARD_MS, OMS } from './helpers.js';
import { runJson, seedState, tempDir } from './fixtures-store/support.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function temp(): { dir: string; state: string } {
  const made = tempDir();
  cleanups.push(made.cleanup);
  return made;
}

/**
 * A guard against a hang, not a speed budget: every test here is a fixed,
 * small number of commands, each of which must end by itself. Sized in
 * typical commands at this machine's pace (helpers.ts).
 */
const HANG_GUARD_MS = COMMAND_GUARD_MS;

const ADD = (id: number): string[] => ['add', String(id), 'AAA', 'buy', '1', String(10 + (id % 7))];

/** Runs jobs with at most `width` at a time. */
async function pool<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await (jobs[i] as () => Promise<T>)();
      }
    }),
  );
  return results;
}

describe('one lock per journal, whatever the path', () => {
  it('writers through symlinks (snapshot, companions, directory) and the real path lose no acknowledged add', async () => {
    const { dir } = temp();
    const real = path.join(dir, 'real');
    fs.mkdirSync(real);
    const realState = path.join(real, 's.json');
    await seedState(realState, [{ orderId: 1, symbol: 'AAA', side: 'Buy', amount: 1, price: '1', source: null }]);
    for (const ext of ['json', 'journal', 'index']) fs.symlinkSync(path.join(real, `s.${ext}`), path.join(dir, `s.${ext}`));
    fs.symlinkSync(real, path.join(dir, 'linked'));
    const paths = [path.join(dir, 's.json'), realState, path.join(dir, 'linked', 's.json')];
    const ids = Array.from({ length: 24 }, (_, i) => i + 2);
    // The lock wait is as long as the test may take: a writer must get the lock, not give up.
    const results = await pool(
      ids.map((id) => () => runJson(paths[id % paths.length] as string, ['--lock-timeout', String(HANG_GUARD_MS / 1000), ...ADD(id)], { timeout: HANG_GUARD_MS })),
      6,
    );
    const acknowledged = ids.filter((_, i) => results[i]?.exitCode === 0);
    expect(acknowledged.length, results.map((r) => r.stderr).join('\n')).toBe(ids.length);
    const orders = await runJson(realState, ['orders']);
    const present = new Set((orders.json.orders as { orderId: number }[]).map((order) => order.orderId));
    expect(acknowledged.filter((id) => !present.has(id))).toEqual([]);
    const doctor = await runJson(realState, ['doctor']);
    expect(doctor.exitCode, doctor.stderr).toBe(0);
    expect(fs.lstatSync(path.join(dir, 's.json')).isSymbolicLink()).toBe(true);
    // Nothing was created beside the symlinks: the lock and any temp files live beside the real state.
    expect(fs.readdirSync(dir).sort()).toEqual(['linked', 'real', 's.index', 's.journal', 's.json']);
  }, HANG_GUARD_MS);

  it('a symlinked or hard-linked journal beside a regular snapshot is refused (STATE_IO), nothing written', async () => {
    const { dir } = temp();
    const realState = path.join(dir, 'real.json');
    await seedState(realState, [{ orderId: 1, symbol: 'AAA', side: 'Buy', amount: 1, price: '1', source: null }]);
    const journalBefore = fs.readFileSync(path.join(dir, 'real.journal'));
    for (const [name, link] of [
      ['sym', (target: string, file: string) => fs.symlinkSync(target, file)],
      ['hard', (target: string, file: string) => fs.linkSync(target, file)],
    ] as const) {
      fs.copyFileSync(realState, path.join(dir, `${name}.json`));
      link(path.join(dir, 'real.journal'), path.join(dir, `${name}.journal`));
      for (const args of [ADD(2), ['orders']]) {
        const result = await runJson(path.join(dir, `${name}.json`), args);
        expect(result.exitCode, `${name} ${args[0]}: ${result.stderr}`).toBe(4);
        expect(result.json.error.code).toBe('STATE_IO');
        expect(result.json.error.message).toContain(`${name}.journal`);
        expect(result.json.error.message).toMatch(name === 'sym' ? /symbolic link/ : /hard link/);
      }
    }
    expect(fs.readFileSync(path.join(dir, 'real.journal'))).toEqual(journalBefore);
  }, HANG_GUARD_MS);
});

describe("a state path that is another state's companion", () => {
  it('x.lock, x.journal, x.index, the takeover guard and temp names are refused (exit 2), nothing created', async () => {
    const { dir } = temp();
    const x = path.join(dir, 'x.json');
    await seedState(x, [{ orderId: 1, symbol: 'AAA', side: 'Buy', amount: 1, price: '1', source: null }]);
    const before = fs.readdirSync(dir).sort();
    const runs = ['x.lock', 'x.journal', 'x.index', 'x.lock.takeover', 'x.json.tmp-123-abc12', 'y.lock', 'x'].flatMap((name) =>
      [ADD(2), ['orders']].map((args) => ({ name, args })),
    );
    const results = await pool(
      runs.map(({ name, args }) => () => runJson(path.join(dir, name), args, { timeout: HANG_GUARD_MS })),
      4,
    );
    runs.forEach(({ name, args }, i) => {
      const result = results[i] as Awaited<ReturnType<typeof runJson>>;
      expect(result.exitCode, `${name} ${args[0]}: ${result.stderr}`).toBe(2);
      expect(result.json.error.code).toBe('INVALID_ARGUMENT');
      expect(result.json.error.field).toBe('state');
      expect(result.json.error.message).toContain(name);
    });
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  }, HANG_GUARD_MS);
});

describe('a state path that is not a regular file is refused at once', () => {
  it("'' (flag or OMS_STATE) is refused with exit 2, never ./oms-state.json", async () => {
    const { dir } = temp();
    const flag = await execa(process.execPath, [OMS, '--json', '--state', '', ...ADD(1)], { reject: false, cwd: dir, env: { OMS_STATE: undefined }, timeout: HANG_GUARD_MS });
    expect(flag.exitCode, String(flag.stderr)).toBe(2);
    expect(JSON.parse(String(flag.stdout)).error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'state' });
    const env = await execa(process.execPath, [OMS, '--json', ...ADD(1)], { reject: false, cwd: dir, env: { OMS_STATE: '' }, timeout: HANG_GUARD_MS });
    expect(env.exitCode, String(env.stderr)).toBe(2);
    expect(fs.readdirSync(dir)).toEqual([]);
  }, HANG_GUARD_MS);

  it('a FIFO, a socket, a directory, /dev/zero and /dev/full: exit 4 for every command, nothing read, no lock left behind', async () => {
    const { dir } = temp();
    const fifo = path.join(dir, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    const socketPath = path.join(dir, 'sock.json');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    cleanups.push(() => server.close());
    const directory = path.join(dir, 'dir.json');
    fs.mkdirSync(directory);
    const viaLink = path.join(dir, 'zero.json');
    fs.symlinkSync('/dev/zero', viaLink);
    const devLocks = ['/dev/zero.lock', '/dev/full.lock', '/dev/zero.journal', '/dev/full.journal'].filter((file) => fs.existsSync(file));
    const runs = [fifo, socketPath, directory, '/dev/zero', '/dev/full', viaLink].flatMap((state) =>
      [ADD(1), ['orders'], ['status'], ['doctor']].map((args) => ({ state, args })),
    );
    // A hang is killed (SIGKILL) by the guard and fails here.
    const results = await pool(
      runs.map(({ state, args }) => () => runJson(state, args, { timeout: HANG_GUARD_MS })),
      4,
    );
    runs.forEach(({ state, args }, i) => {
      const result = results[i] as Awaited<ReturnType<typeof runJson>>;
      expect(result.timedOut, `${state} ${args[0]} hung`).toBe(false);
      expect(result.exitCode, `${state} ${args[0]}: ${result.stderr}`).toBe(4);
      expect(result.json.error.code).toBe('STATE_IO');
      expect(result.json.error.message).toMatch(/not a regular file/);
    });
    expect(['/dev/zero.lock', '/dev/full.lock', '/dev/zero.journal', '/dev/full.journal'].filter((file) => fs.existsSync(file))).toEqual(devLocks);
    expect(fs.readdirSync(dir).sort()).toEqual(['dir.json', 'fifo.json', 'sock.json', 'zero.json']);
  }, HANG_GUARD_MS);
});
