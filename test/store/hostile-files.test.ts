// Attacks near issue 16's (clause 5), in process: a checkpoint's clean-up of
// abandoned temp files touches only this state's own temps; a hard-linked
// snapshot is refused under either name; a symlinked index is refused, never
// replaced by a rebuilt file; a journal swapped for a symlink under a store
// kept open (oms serve) is refused, the target never written; a snapshot
// line past the limit is STATE_CORRUPT, not read on.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OmsError } from '../../src/core/errors.js';
import { FileStore } from '../../src/store/file/store.js';
import { MAX_SNAPSHOT_LINE } from '../../src/store/snapshot.js';
import { add, tempState } from './helpers.js';
import { padToCheckpoint } from './hostile-helpers.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function temp(): { dir: string; state: string } {
  const made = tempState();
  cleanups.push(made.cleanup);
  return made;
}

async function failure(run: () => Promise<unknown>): Promise<OmsError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof OmsError) return error;
    throw error;
  }
  throw new Error('it worked');
}

/** A pid no process has (above Linux's pid_max). */
const DEAD_PID = 4_194_305;

describe('files beside a state that are not its own', () => {
  it("a checkpoint removes only this state's abandoned temps, never a file that merely starts alike", async () => {
    const { dir, state } = temp();
    const others = ['state-notes.tmp-4194305-abc', 'statement.json.tmp-4194305-x1', 'other.json.tmp-4194305-zz'];
    for (const name of others) fs.writeFileSync(path.join(dir, name), 'keep me');
    const ours = `state.json.tmp-${DEAD_PID}-deadbeef`;
    fs.writeFileSync(path.join(dir, ours), 'half a snapshot');
    const store = new FileStore(state);
    await store.write((tx) => padToCheckpoint(tx, 1));
    await store.close();
    expect(store.stats.details!['checkpoints']).toBeGreaterThan(0);
    for (const name of others) expect(fs.readFileSync(path.join(dir, name), 'utf8')).toBe('keep me');
    expect(fs.existsSync(path.join(dir, ours))).toBe(false);
  });

  it('a symlinked index is refused (STATE_IO), never replaced by a rebuilt file, its target untouched', async () => {
    const { dir, state } = temp();
    const store = new FileStore(state);
    await store.write((tx) => padToCheckpoint(tx, 1));
    await store.close();
    const index = state.replace(/\.json$/, '.index');
    const victim = path.join(dir, 'victim.bin');
    fs.writeFileSync(victim, 'precious');
    fs.rmSync(index);
    fs.symlinkSync(victim, index);
    const again = new FileStore(state);
    const error = await failure(() => again.write((tx) => tx.execute(add(2), 'op-2')));
    await again.close();
    expect(error.code).toBe('STATE_IO');
    expect(error.message).toMatch(/symbolic link/);
    expect(fs.lstatSync(index).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
  });

  it('a snapshot with a second name (a hard link) is refused under both names (STATE_IO), nothing written', async () => {
    const { dir, state } = temp();
    const store = new FileStore(state);
    await store.write((tx) => tx.execute(add(1), 'op-1'));
    await store.close();
    const other = path.join(dir, 'other.json');
    fs.linkSync(state, other);
    const journal = fs.readFileSync(state.replace(/\.json$/, '.journal'));
    for (const name of [state, other]) {
      const error = await failure(async () => {
        const opened = new FileStore(name);
        try {
          await opened.write((tx) => tx.execute(add(2), 'op-2'));
        } finally {
          await opened.close();
        }
      });
      expect(error.code).toBe('STATE_IO');
      expect(error.message).toMatch(/hard link/);
    }
    expect(fs.readFileSync(state.replace(/\.json$/, '.journal'))).toEqual(journal);
  });

  it('a journal swapped for a symlink under a store kept open: refused, the link target never written', async () => {
    const { dir, state } = temp();
    const store = new FileStore(state);
    await store.write((tx) => tx.execute(add(1), 'op-1'));
    const journal = state.replace(/\.json$/, '.journal');
    const elsewhere = path.join(dir, 'elsewhere.journal');
    fs.copyFileSync(journal, elsewhere);
    const before = fs.readFileSync(elsewhere);
    fs.rmSync(journal);
    fs.symlinkSync(elsewhere, journal);
    const error = await failure(() => store.write((tx) => tx.execute(add(2), 'op-2')));
    await store.close();
    expect(error.code).toBe('STATE_IO');
    expect(error.message).toMatch(/symbolic link/);
    expect(fs.readFileSync(elsewhere)).toEqual(before);
  });

  it(`a snapshot line longer than ${MAX_SNAPSHOT_LINE} bytes is STATE_CORRUPT naming the limit`, async () => {
    const { state } = temp();
    const store = new FileStore(state);
    await store.write((tx) => tx.execute(add(1), 'op-1'));
    await store.close();
    const fd = fs.openSync(state, 'w');
    const block = Buffer.alloc(1 << 20, 0x20);
    for (let written = 0; written <= MAX_SNAPSHOT_LINE; written += block.length) fs.writeSync(fd, block);
    fs.closeSync(fd);
    const error = await failure(() => new FileStore(state).read());
    expect(error.code).toBe('STATE_CORRUPT');
    expect(error.message).toContain(`longer than ${MAX_SNAPSHOT_LINE} bytes`);
  });
});
