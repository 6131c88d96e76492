// store/reads.ts: one piece of reading logic, written as steps, gives the
// same answer run blocking (`readNow`) and not (`readLater`); `readLater`
// gives up (STOPPED) when told the file went away meanwhile.

import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readLineAt } from '../../src/store/journal.js';
import { fill, readLater, readNow, STOPPED, type ReadSteps } from '../../src/store/reads.js';
import { tempState } from './helpers.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function tempFile(content: string): number {
  const temp = tempState();
  const file = path.join(temp.dir, 'data');
  fs.writeFileSync(file, content);
  const fd = fs.openSync(file, 'r');
  cleanups.push(() => {
    fs.closeSync(fd);
    temp.cleanup();
  });
  return fd;
}

function* twoBytesAt(fd: number, positions: number[]): ReadSteps<string> {
  let text = '';
  for (const position of positions) {
    const buffer = Buffer.alloc(2);
    const read = yield { fd, buffer, length: 2, position };
    text += buffer.toString('utf8', 0, read);
  }
  return text;
}

describe('reads as steps', () => {
  it('answers the same blocking and not', async () => {
    const fd = tempFile('abcdefgh');
    expect(readNow(twoBytesAt(fd, [0, 4, 7]))).toBe('abefh');
    expect(await readLater(twoBytesAt(fd, [0, 4, 7]))).toBe('abefh');
    const buffer = Buffer.alloc(10);
    expect(readNow(fill(fd, buffer, 3))).toBe(5);
    expect(buffer.toString('utf8', 0, 5)).toBe('defgh');
    expect(await readLater(fill(fd, Buffer.alloc(4), 1))).toBe(4);
  });

  it('reads a line longer than the first piece whole', () => {
    const long = 'x'.repeat(5000);
    const fd = tempFile(`${long}\nnext\n`);
    expect(readLineAt(fd, 0)).toBe(long);
    expect(readLineAt(fd, long.length + 1)).toBe('next');
  });

  it('hands a failed read to the steps, or stops when told to', async () => {
    const closed = fs.openSync(process.execPath, 'r');
    fs.closeSync(closed);
    function* caught(): ReadSteps<string> {
      try {
        yield { fd: closed, buffer: Buffer.alloc(1), length: 1, position: 0 };
        return 'read';
      } catch (error) {
        return (error as NodeJS.ErrnoException).code ?? 'no code';
      }
    }
    expect(readNow(caught())).toBe('EBADF');
    expect(await readLater(caught())).toBe('EBADF');
    expect(await readLater(caught(), () => true)).toBe(STOPPED);
    const fd = tempFile('abcd');
    expect(await readLater(twoBytesAt(fd, [0, 2]), () => true)).toBe(STOPPED);
  });
});
