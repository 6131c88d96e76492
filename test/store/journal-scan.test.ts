// Reading the journal back (src/store/journal.ts): what counts as a torn tail
// (an unfinished write, discarded) and what as damage (STATE_CORRUPT naming
// the byte), on real journal files written by a FileStore.

import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { OmsError } from '../../src/core/errors.js';
import { readHeader, scanJournal } from '../../src/store/journal.js';
import { FileStore } from '../../src/store/file/store.js';
import { add, builtStoreModule, finishesWithin, HANG_GUARD_MS, tempState } from './helpers.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A journal with op 1, a batch of 3 (op 2), and op 3. */
async function journal(): Promise<{ file: string; text: string }> {
  const temp = tempState();
  cleanups.push(temp.cleanup);
  const store = new FileStore(temp.state);
  await store.write((tx) => tx.execute(add(1), 'one'));
  await store.write(async (tx) => {
    for (const id of [2, 3, 4]) await tx.execute(add(id), `batch-${id}`);
  }, { atomic: true, batchName: 'b' });
  await store.write((tx) => tx.execute(add(5), 'five'));
  await store.close();
  const file = temp.state.replace(/\.json$/, '.journal');
  return { file, text: fs.readFileSync(file, 'utf8') };
}

function scan(file: string, text: string): { ops: string[]; end: number; tornBytes: number } {
  fs.writeFileSync(file, text);
  const fd = fs.openSync(file, 'r');
  try {
    const { length } = readHeader(fd, file);
    const ops: string[] = [];
    const result = scanJournal(fd, file, length, Buffer.byteLength(text), 0, (record) => ops.push(record.op));
    return { ops, end: result.end, tornBytes: result.tornBytes };
  } finally {
    fs.closeSync(fd);
  }
}

function corruptAt(file: string, text: string): number {
  try {
    scan(file, text);
  } catch (error) {
    expect(error).toBeInstanceOf(OmsError);
    expect((error as OmsError).code).toBe('STATE_CORRUPT');
    return (error as OmsError).details.byte as number;
  }
  throw new Error('expected STATE_CORRUPT');
}

describe('scanning a journal', () => {
  it('reads whole transactions, a batch as its members', async () => {
    const { file, text } = await journal();
    expect(scan(file, text)).toEqual({ ops: ['one', 'batch-2', 'batch-3', 'batch-4', 'five'], end: Buffer.byteLength(text), tornBytes: 0 });
  });

  it.each([
    ['a last line without its newline', (t: string) => t.slice(0, -1)],
    ['a last line cut in the middle', (t: string) => t.slice(0, -40)],
    ['a complete last line of garbage', (t: string) => `${t}{"seq":4,"at":\n`],
  ])('%s is a torn tail: discarded, the rest read', async (_name, tear) => {
    const { file, text } = await journal();
    const withoutLast = text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1);
    const torn = tear(text);
    const result = scan(file, torn);
    const expectedEnd = torn.startsWith(text) ? Buffer.byteLength(text) : Buffer.byteLength(withoutLast);
    expect(result.end).toBe(expectedEnd);
    expect(result.tornBytes).toBe(Buffer.byteLength(torn) - expectedEnd);
  });

  it('a batch without its closing line at the end is a torn tail', async () => {
    const { file, text } = await journal();
    const lines = text.split('\n');
    const cut = lines.findIndex((line) => line.includes('"end":3'));
    const unclosed = `${lines.slice(0, cut).join('\n')}\n`;
    expect(scan(file, unclosed)).toMatchObject({ ops: ['one'], tornBytes: Buffer.byteLength(lines.slice(2, cut).join('\n')) + 1 });
  });

  it('a damaged line in the middle, a damaged batch member, a gap: STATE_CORRUPT at the damaged line', async () => {
    const { file, text } = await journal();
    const lines = text.split('\n');
    const offsetOf = (i: number): number => Buffer.byteLength(lines.slice(0, i).join('\n')) + 1;
    const replaced = (i: number, line: string): string => lines.map((l, j) => (j === i ? line : l)).join('\n');
    expect(corruptAt(file, replaced(1, 'x'.repeat(lines[1]!.length)))).toBe(offsetOf(1));
    expect(corruptAt(file, replaced(3, '{"seq":2,"in":1,"broken'))).toBe(offsetOf(3));
    expect(corruptAt(file, lines.filter((_, j) => j !== 1).join('\n'))).toBe(offsetOf(1));
  });

  // BUG: an unclosed batch followed by a complete operation is read as a torn
  // tail (findBatchEnd gives up on the last line), so the committed operation
  // after it is dropped by readers and cut off by the next writer.
  it('an unclosed batch followed by a complete operation is damage', async () => {
    const { file, text } = await journal();
    const unclosed = text.split('\n').filter((line) => !line.includes('"end":3')).join('\n');
    expect(corruptAt(file, unclosed)).toBeGreaterThan(0);
  });

  // BUG: LineReader.fill() stops at end of file but next() keeps asking for
  // bytes up to the `end` it was given, forever. A reader takes the journal's
  // size, then reads; if a writer truncates in between (cutting a torn tail,
  // rolling back a failed or --dry-run import that had been flushed), the
  // reader spins at 100% CPU, deaf to SIGTERM. Here the truncation happens
  // between the two steps by hand.
  it('a journal that shrinks under a reader does not make the scan loop forever', async () => {
    const { file, text } = await journal();
    const lines = text.split('\n');
    const headerLength = Buffer.byteLength(lines[0]!) + 1;
    const source = `
      import fs from 'node:fs';
      import { scanJournal } from ${JSON.stringify(builtStoreModule('journal'))};
      const fd = fs.openSync(${JSON.stringify(file)}, 'r+');
      const size = fs.fstatSync(fd).size;
      fs.ftruncateSync(fd, ${headerLength + Buffer.byteLength(lines[1]!) + 1 + 20});
      try { scanJournal(fd, ${JSON.stringify(file)}, ${headerLength}, size, 0, () => {}); } catch {}
    `;
    const outcome = await finishesWithin(HANG_GUARD_MS, source);
    expect(outcome.error).toBeUndefined();
    expect(outcome.finished, 'scanJournal never returned').toBe(true);
  });
});
