// A process that wrote to a state keeps it open for writing, but between its
// writes it is only a reader: bytes after the last complete transaction may
// be another process's write in flight (it holds the lock and has not
// finished), so reading must leave them alone. Only a writer, holding the
// lock, may cut an unfinished tail. (Several `oms serve` processes on one
// state read all the time, /readyz and their catch-up included: a reader that
// cut a tail destroyed another server's operation before its commit, which
// then acknowledged an operation missing from the journal.)

import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FileStore } from '../../src/store/file/store.js';
import { add, tempState } from './helpers.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('a store that wrote, reading while another process writes', () => {
  it('does not cut the other write\'s bytes; the writer\'s next catch-up applies them once complete', async () => {
    const temp = tempState();
    cleanups.push(temp.cleanup);
    const journal = temp.state.replace(/\.json$/, '.journal');
    const server = new FileStore(temp.state);
    await server.write((tx) => tx.execute(add(1), 'op-1'));

    // Another process's write in flight: the first half of its operation's line.
    const other = new FileStore(temp.state);
    await other.write((tx) => tx.execute(add(2), 'op-2'));
    await other.close();
    const whole = fs.readFileSync(journal);
    const lastLine = whole.subarray(whole.lastIndexOf(10, whole.length - 2) + 1);
    fs.truncateSync(journal, whole.length - lastLine.length);
    fs.appendFileSync(journal, lastLine.subarray(0, lastLine.length >> 1));
    const inFlight = fs.statSync(journal).size;

    expect((await server.read()).orderCount).toBe(1);
    expect(fs.statSync(journal).size, 'the reader cut the write in flight').toBe(inFlight);

    // The other process finishes its line: every reader sees the operation.
    fs.appendFileSync(journal, lastLine.subarray(lastLine.length >> 1));
    expect((await server.read()).orderCount).toBe(2);
    await server.close();
  });
});
