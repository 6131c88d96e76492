// The checkpoint rule and the key index over many commits, in process: the
// journal after the snapshot stays bounded, the index grows (and is rebuilt
// bigger) without forgetting any key, every old operation id is still found
// by a store opened afterwards, and two stores kept open on one state (an
// `oms serve` and the CLI) keep the index's books straight.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStore } from '../../src/store/file/store.js';
import { add, bigQuote, inspectIndex, tempState } from './helpers.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const MIN_CHECKPOINT = 64 * 1024;

describe('checkpoints over many commits', () => {
  it('keep the journal after the snapshot bounded, and every old op id is recognised by a store opened later', async () => {
    const temp = tempState();
    cleanups.push(temp.cleanup);
    const store = new FileStore(temp.state);
    const journal = temp.state.replace(/\.json$/, '.journal');
    let maxPending = 0;
    for (let id = 1; id <= 2500; id++) {
      const before = fs.statSync(journal, { throwIfNoEntry: false })?.size ?? 0;
      // Every 50th operation is a quote across the book: a long line.
      await store.write((tx) => (id % 50 === 0 ? tx.execute(bigQuote(id * 2), `q-${id}`) : tx.execute(add(id), `op-${id}`)));
      const record = fs.statSync(journal).size - before;
      const status = (await store.status()).details!.json as { sizes: Record<string, number>; pendingJournalBytes: number };
      const bound = Math.max(MIN_CHECKPOINT, status.sizes['snapshot']! / 2) + record;
      expect(status.pendingJournalBytes, `after operation ${id}`).toBeLessThanOrEqual(bound);
      maxPending = Math.max(maxPending, status.pendingJournalBytes);
    }
    expect(store.stats.details!['checkpoints']).toBeGreaterThanOrEqual(5);
    await store.close();
    const index = inspectIndex(temp.state.replace(/\.json$/, '.index'));
    expect(index.capacity, 'the index was never rebuilt bigger').toBeGreaterThan(1024);

    const later = new FileStore(temp.state);
    const sizeBefore = fs.statSync(journal).size;
    await later.write(async (tx) => {
      for (let id = 1; id <= 2500; id++) {
        const outcome = await (id % 50 === 0 ? tx.execute(bigQuote(id * 2), `q-${id}`) : tx.execute(add(id), `op-${id}`));
        expect(outcome.status, `op ${id}`).toBe('replayed');
      }
    });
    expect(fs.statSync(journal).size).toBe(sizeBefore);
    await later.close();
  });

  // BUG: FileIndex.insertAll writes header.count from the header it read when
  // the store was opened. A store kept open (oms serve) while another process
  // checkpoints overwrites the other's count with a stale one, so the header
  // undercounts the table. Resizing is decided on that count, so the table can
  // fill past half and, in the end, have no empty slot left — where a lookup
  // probes forever.
  it('two stores kept open on one state, taking turns: the index header counts what is in the table', async () => {
    const temp = tempState();
    cleanups.push(temp.cleanup);
    const stores = [new FileStore(temp.state), new FileStore(temp.state)];
    let id = 1;
    for (let round = 0; round < 60; round++) {
      for (const store of stores) {
        await store.write(async (tx) => {
          for (let i = 0; i < 40; i++, id++) await tx.execute(add(id), `op-${id}`);
        });
      }
    }
    for (const store of stores) await store.close();
    expect(stores[0]!.stats.details!['checkpoints']! + stores[1]!.stats.details!['checkpoints']!).toBeGreaterThan(4);
    const index = inspectIndex(temp.state.replace(/\.json$/, '.index'));
    expect(index.count).toBe(index.occupied);
    expect(index.occupied).toBeLessThanOrEqual(index.capacity / 2);
  });

  // `oms serve` opens its store long-lived: it reads what another process
  // appended, and the index before a checkpoint, without blocking; the index
  // must come out the same as a one-shot writer's.
  it('a long-lived store and a one-shot one taking turns: checkpoints keep the index whole, every op id found later', async () => {
    const temp = tempState();
    cleanups.push(temp.cleanup);
    const server = new FileStore(temp.state, { longLived: true });
    const cli = new FileStore(temp.state);
    let id = 1;
    for (let round = 0; round < 40; round++) {
      for (const store of [server, cli]) {
        await store.write(async (tx) => {
          for (let i = 0; i < 20; i++, id++) await tx.execute(i === 0 ? bigQuote(id * 2) : add(id), `op-${id}`);
        });
      }
    }
    expect(server.stats.details!['checkpoints']).toBeGreaterThan(0);
    await server.close();
    await cli.close();
    const index = inspectIndex(temp.state.replace(/\.json$/, '.index'));
    expect(index.count).toBe(index.occupied);
    const later = new FileStore(temp.state, { longLived: true });
    const statuses = await later.write(async (tx) => {
      const found = [];
      for (let op = 1; op < id; op++) found.push((await tx.execute(op % 20 === 1 ? bigQuote(op * 2) : add(op), `op-${op}`)).status);
      return found;
    });
    expect(new Set(statuses)).toEqual(new Set(['replayed']));
    await later.close();
  });

  // BUG (a leak): a writer killed while writing the snapshot or the index
  // leaves its unique temp file (STEM.json.tmp-PID-RANDOM, as big as the
  // snapshot) behind, and nothing ever removes it; the crash test sees a few
  // per run. A checkpoint could remove temp files whose writer pid is dead.
  it('temp files left by a writer killed mid-checkpoint are cleaned up by a later checkpoint', async () => {
    const temp = tempState();
    cleanups.push(temp.cleanup);
    const store = new FileStore(temp.state);
    await store.write((tx) => tx.execute(add(1)));
    const leftovers = ['state.json.tmp-999999-deadbeef', 'state.index.tmp-999999-deadbeef'].map((name) => path.join(temp.dir, name));
    for (const file of leftovers) fs.writeFileSync(file, 'x'.repeat(1000));
    const checkpoints = store.stats.details!['checkpoints'];
    for (let id = 2; store.stats.details!['checkpoints'] === checkpoints; id++) await store.write((tx) => tx.execute(add(id)));
    await store.close();
    expect(fs.readdirSync(temp.dir).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });
});
