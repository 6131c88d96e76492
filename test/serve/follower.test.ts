// The follower catches a server up with other processes' commits without a
// request: when the store announces one (the hook a database store implements
// with LISTEN/NOTIFY, reached through the app's Oms) and by polling otherwise.

import { describe, expect, it } from 'vitest';
import { Oms } from '../../src/app/oms.js';
import { Follower } from '../../src/serve/follower.js';
import type { StateStore } from '../../src/store/store.js';

function fakeStore(options: { watch: boolean }) {
  const fake = { reads: 0, listeners: new Set<() => void>(), readWaiters: [] as Array<() => void> };
  const store = {
    async read() {
      fake.reads++;
      for (const wake of fake.readWaiters.splice(0)) wake();
      return {};
    },
    ...(options.watch
      ? {
          watchCommits(listener: () => void) {
            fake.listeners.add(listener);
            return () => fake.listeners.delete(listener);
          },
        }
      : {}),
  } as unknown as StateStore;
  const nextRead = () => new Promise<void>((resolve) => fake.readWaiters.push(resolve));
  return { fake, store, nextRead };
}

describe('Follower', () => {
  it('catches up when the store announces a commit, and stops listening when stopped', async () => {
    const { fake, store, nextRead } = fakeStore({ watch: true });
    // An interval no test run reaches: only the announcement can cause the read.
    const follower = new Follower(new Oms(store), 3_600_000);
    follower.start();
    expect(fake.listeners.size).toBe(1);
    const read = nextRead();
    for (const listener of fake.listeners) listener();
    await read;
    expect(fake.reads).toBe(1);
    await follower.stop();
    expect(fake.listeners.size).toBe(0);
  });

  it('polls a store that cannot announce commits', async () => {
    const { fake, store, nextRead } = fakeStore({ watch: false });
    const follower = new Follower(new Oms(store), 5);
    follower.start();
    await nextRead();
    await nextRead();
    await follower.stop();
    expect(fake.reads).toBeGreaterThanOrEqual(2);
  });
});
