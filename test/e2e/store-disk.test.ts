// The state's files on a real file system: a full disk (a 1 MiB tmpfs) fails
// writes with STATE_IO, exit 4, and loses nothing already committed; a path
// that is a directory is STATE_IO too; files are created 0600 whatever the
// umask, and companions created later take the snapshot's mode.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OMS } from './helpers.js';
import { runJson, seedState, stemOf, tempDir, type SeedOrder } from './fixtures-store/support.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const mode = (file: string): string => (fs.statSync(file).mode & 0o777).toString(8);

describe('a full disk', () => {
  const temp = tempDir();
  let mounted = false;
  let refusal = '';
  beforeAll(() => {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', temp.dir], { stdio: 'pipe' });
      mounted = true;
    } catch (error) {
      refusal = String((error as { stderr?: Buffer }).stderr ?? error).trim();
    }
  });
  afterAll(() => {
    if (mounted) execFileSync('umount', [temp.dir]);
    temp.cleanup();
  });

  it('fails writes with STATE_IO (exit 4) and keeps every acknowledged operation', async (context) => {
    if (!mounted) {
      console.warn(`skipped: cannot mount a tmpfs here (${refusal})`);
      context.skip();
    }
    const state = path.join(temp.dir, 'state.json');
    const orders: SeedOrder[] = Array.from({ length: 80 }, (_, i) => ({ orderId: i + 1, symbol: 'AAA', side: 'Sell', amount: 10, price: String(i + 1), source: 'x'.repeat(60) }));
    await seedState(state, orders);
    const free = (): number => fs.statfsSync(temp.dir).bavail * fs.statfsSync(temp.dir).bsize;
    fs.writeFileSync(path.join(temp.dir, 'filler'), Buffer.alloc(free() - 12 * 1024));

    const acknowledged: string[] = [];
    const failed: { opId: string; args: string[]; message: string }[] = [];
    for (let i = 1; i <= 40 && failed.length < 3; i++) {
      const opId = `q${i}`;
      // Quotes across the whole side: journal lines of a few KB each.
      const args = i % 3 === 0 ? ['add', String(1000 + i), 'BBB', 'buy', '1', '1', '--source', 'y'.repeat(60)] : ['quote', 'AAA', 'sell', '800', '--ttl', '600'];
      const result = await runJson(state, ['--op-id', opId, ...args]);
      if (result.exitCode === 0) {
        acknowledged.push(opId);
        continue;
      }
      expect(result.exitCode, result.stderr).toBe(4);
      expect(result.json.error.code).toBe('STATE_IO');
      expect(result.json.error.message).toMatch(/no space left on the device \(ENOSPC\)/);
      expect(result.json.error.message).toContain(temp.dir);
      failed.push({ opId, args, message: result.json.error.message });
      const status = await runJson(state, ['status']);
      expect(status.exitCode, status.stderr).toBe(0);
    }
    expect(failed.length, 'the disk never filled up').toBeGreaterThan(0);
    expect(acknowledged.length, 'nothing fitted before the disk was full').toBeGreaterThan(0);
    // The commit itself failed, not only taking the lock.
    expect(failed.map((f) => f.message).join('\n')).toContain(`cannot append to ${stemOf(state)}.journal`);

    const history = await runJson(state, ['history', '--limit', '1000']);
    expect(history.exitCode, history.stderr).toBe(0);
    const seen = (history.json.operations as { opId: string }[]).map((op) => op.opId).filter((id) => /^q\d+$/.test(id));
    expect(seen.sort()).toEqual([...acknowledged].sort());
    expect(fs.readFileSync(`${stemOf(state)}.journal`, 'utf8').endsWith('\n')).toBe(true);
    const listed = await runJson(state, ['orders']);
    expect(listed.json.orders.length).toBe(orders.length + acknowledged.filter((id) => Number(id.slice(1)) % 3 === 0).length);

    // Space again: the failed operations were never recorded, so their ids apply now.
    fs.rmSync(path.join(temp.dir, 'filler'));
    for (const { opId, args } of failed) {
      const retry = await runJson(state, ['--op-id', opId, ...args]);
      expect(retry.exitCode, retry.stderr).toBe(0);
      expect(retry.json.replayed).toBe(false);
    }
  });
});

describe('paths and modes', () => {
  it('a state path that is a directory is STATE_IO, exit 4', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    for (const args of [['orders'], ['add', '1', 'AAA', 'buy', '1', '1']]) {
      const result = await runJson(temp.dir, args);
      expect(result.exitCode, result.stderr).toBe(4);
      expect(result.json.error.code).toBe('STATE_IO');
      expect(result.json.error.message).toContain(temp.dir);
    }
  });

  it('a new state and its companions are 0600 even under umask 000', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    await execa('sh', ['-c', `umask 000 && exec "${process.execPath}" "${OMS}" --state "${temp.state}" add 1 AAA buy 1 1`]);
    const stem = stemOf(temp.state);
    for (const file of [temp.state, `${stem}.journal`, `${stem}.index`]) expect(mode(file), file).toBe('600');
    expect(fs.readdirSync(temp.dir).sort()).toEqual(['state.index', 'state.journal', 'state.json']);
  });

  it('companions created later take the snapshot\'s mode (0660), and a rewritten snapshot keeps it', async () => {
    const temp = tempDir();
    cleanups.push(temp.cleanup);
    expect((await runJson(temp.state, ['add', '1', 'AAA', 'buy', '1', '1'])).exitCode).toBe(0);
    const stem = stemOf(temp.state);
    for (const file of [temp.state, `${stem}.journal`]) fs.chmodSync(file, 0o660);
    fs.rmSync(`${stem}.index`);
    const inode = fs.statSync(temp.state).ino;
    // The first write without an index rebuilds it and checkpoints: both files are new.
    const result = await runJson(temp.state, ['add', '2', 'AAA', 'buy', '1', '1']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(fs.statSync(temp.state).ino).not.toBe(inode);
    expect(mode(`${stem}.index`)).toBe('660');
    expect(mode(temp.state)).toBe('660');
    expect(mode(`${stem}.journal`)).toBe('660');
  });
});
