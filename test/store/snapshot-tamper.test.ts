// Hand-edited snapshots (SPEC §12, issue 16 clause 4): the snapshot carries a
// checksum of its content, so any edit is STATE_CORRUPT for readers and
// writers alike, and nothing is built upon it; a snapshot whose convention or
// seq disagrees with the journal is caught even when its checksum was taken
// out; a snapshot from before checksums still opens, is checked against a
// replay of the journal, and the next write gives it a checksum. `oms doctor`
// reports each. Also: a checkpoint through a symlinked snapshot keeps the
// symlink (clause 1).

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tradeCommand } from '../../src/core/commands.js';
import { OmsError } from '../../src/core/errors.js';
import { diagnose } from '../../src/store/doctor.js';
import { FileStore } from '../../src/store/file/store.js';
import { add, tempState } from './helpers.js';
import { padToCheckpoint } from './hostile-helpers.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A state whose snapshot covers everything: 6 adds on AAA, padding, and a trade. */
async function checkpointed(): Promise<{ state: string; dir: string; journal: string }> {
  const temp = tempState();
  cleanups.push(temp.cleanup);
  const store = new FileStore(temp.state);
  await store.write(async (tx) => {
    for (let id = 1; id <= 6; id++) await tx.execute(add(id, { price: '10' }), `op-${id}`);
    await padToCheckpoint(tx, 1000);
    await tx.execute(tradeCommand({ symbol: 'AAA', side: 'buy', amount: 3 }), 'trade-1');
  });
  await store.close();
  expect(store.stats.details!['checkpoints']).toBe(1);
  return { state: temp.state, dir: temp.dir, journal: temp.state.replace(/\.json$/, '.journal') };
}

function edit(state: string, change: (text: string) => string): void {
  const before = fs.readFileSync(state, 'utf8');
  const after = change(before);
  expect(after, 'the edit changed nothing').not.toBe(before);
  fs.writeFileSync(state, after);
}

const withoutChecksum = (text: string): string => text.replace(/"sha256":"[0-9a-f]{64}",/, '');

async function corruptFor(state: string): Promise<OmsError> {
  const errors: OmsError[] = [];
  for (const run of [
    async (store: FileStore) => store.read(),
    async (store: FileStore) => store.write((tx) => tx.execute(add(99), 'op-99')),
  ]) {
    const store = new FileStore(state);
    try {
      await run(store);
      throw new Error('the edited snapshot was used');
    } catch (error) {
      if (!(error instanceof OmsError)) throw error;
      errors.push(error);
    } finally {
      await store.close();
    }
  }
  for (const error of errors) expect(error.code, error.message).toBe('STATE_CORRUPT');
  return errors[0] as OmsError;
}

describe('a hand-edited snapshot', () => {
  it('an amount changed: the checksum does not match, STATE_CORRUPT naming the snapshot; doctor says so; nothing written', async () => {
    const { state, journal } = await checkpointed();
    edit(state, (text) => text.replace(/\n\[2,0,1,5,/, '\n[2,0,1,500,'));
    const files = { snapshot: fs.readFileSync(state), journal: fs.readFileSync(journal) };
    const error = await corruptFor(state);
    expect(error.message).toContain(state);
    expect(error.message).toMatch(/checksum/);
    expect({ snapshot: fs.readFileSync(state), journal: fs.readFileSync(journal) }).toEqual(files);
    const report = diagnose(state);
    expect(report.healthy).toBe(false);
    expect(report.findings.filter((f) => f.severity === 'damage').map((f) => f.message).join('\n')).toMatch(/checksum/);
  });

  it('a lowered seq (checksum taken out): STATE_CORRUPT, and no duplicate sequence number is ever written', async () => {
    const { state, journal } = await checkpointed();
    edit(state, (text) => withoutChecksum(text).replace(/"seq":(\d+),/, (_, seq: string) => `"seq":${Number(seq) - 1},`));
    const journalBefore = fs.readFileSync(journal);
    const error = await corruptFor(state);
    expect(error.message).toMatch(/covers up to operation \d+, but the journal at byte \d+ follows operation \d+/);
    expect(fs.readFileSync(journal)).toEqual(journalBefore);
    expect(diagnose(state).healthy).toBe(false);
  });

  it('a changed convention (checksum taken out): STATE_CORRUPT; doctor says so', async () => {
    const { state } = await checkpointed();
    edit(state, (text) => withoutChecksum(text).replace('"convention":"document"', '"convention":"market"'));
    const error = await corruptFor(state);
    expect(error.message).toMatch(/convention/);
    const report = diagnose(state);
    expect(report.healthy).toBe(false);
    expect(report.findings.map((f) => f.message).join('\n')).toMatch(/convention/);
  });

  it('changed counters or amounts with the checksum taken out: caught against a replay of the journal', async () => {
    for (const change of [
      (text: string) => text.replace(/"nextTradeId":2,/, '"nextTradeId":1,'),
      (text: string) => text.replace(/"trades":1,/, '"trades":0,'),
      (text: string) => text.replace(/\n\[2,0,1,5,/, '\n[2,0,1,500,'),
    ]) {
      const { state } = await checkpointed();
      edit(state, (text) => change(withoutChecksum(text)));
      await corruptFor(state);
      expect(diagnose(state).healthy).toBe(false);
    }
  });

  it('a snapshot from before checksums (none, unchanged) opens, and the next write gives it one', async () => {
    const { state } = await checkpointed();
    edit(state, withoutChecksum);
    expect(diagnose(state).findings.map((f) => f.message).join('\n')).toMatch(/no checksum/);
    const store = new FileStore(state);
    expect((await store.read()).orderCount).toBeGreaterThan(0);
    await store.write((tx) => tx.execute(add(50), 'op-50'));
    await store.close();
    expect(fs.readFileSync(state, 'utf8')).toMatch(/"sha256":"[0-9a-f]{64}"/);
    expect(diagnose(state).healthy).toBe(true);
  });

  it('an untouched snapshot is healthy and its checksum is on the first line', async () => {
    const { state } = await checkpointed();
    const first = fs.readFileSync(state, 'utf8').split('\n')[0] as string;
    expect(first).toMatch(/^\{"oms":"state","schema":1,"sha256":"[0-9a-f]{64}",/);
    expect(diagnose(state).healthy).toBe(true);
  });
});

describe('a checkpoint through a symlinked snapshot', () => {
  it('writes the real file and leaves the symlink a symlink', async () => {
    const temp = tempState();
    cleanups.push(temp.cleanup);
    const realDir = path.join(temp.dir, 'real');
    fs.mkdirSync(realDir);
    const link = path.join(temp.dir, 'link.json');
    fs.symlinkSync(path.join(realDir, 'link.json'), link);
    const store = new FileStore(link);
    await store.write((tx) => padToCheckpoint(tx, 1));
    await store.close();
    expect(store.stats.details!['checkpoints']).toBeGreaterThan(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readdirSync(realDir).sort()).toEqual(['link.index', 'link.journal', 'link.json']);
    expect(fs.readdirSync(temp.dir).sort()).toEqual(['link.json', 'real']);
  });
});
