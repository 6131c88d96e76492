// SPEC §12: a CSV field, a record and a record's cells are bounded, so a
// hostile file fails fast with a short CSV_INVALID naming the line, having
// read only a little more than the limit; and a last row cut short (a
// producer that died mid-row, a file that changed size while read) is not
// imported with its cut-off values.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvInput } from '../../src/import/input.js';
import { ProblemList } from '../../src/import/problems.js';
import { MAX_CELLS, MAX_FIELD_BYTES, MAX_RECORD_BYTES, RecordBounds } from '../../src/import/bounds.js';
import { CsvReader, type CsvRecord } from '../../src/import/records.js';
import { OmsError } from '../../src/core/errors.js';
import { byteByByte, chunked, readAll } from './helpers.js';

/** `head`, then `total` bytes of `fill`, then `tail`, in 64 KiB chunks made on demand; counts what was pulled. */
function endless(head: string, fill: string, total: number, tail = '') {
  const pulled = { bytes: 0 };
  const block = Buffer.from(fill.repeat(Math.max(1, Math.floor(65536 / fill.length))));
  async function* chunks() {
    yield Buffer.from(head);
    for (let sent = 0; sent < total; sent += block.length) {
      pulled.bytes += block.length;
      yield block;
    }
    yield Buffer.from(tail);
  }
  return { stream: Readable.from(chunks()), pulled };
}

describe('bounded CSV', () => {
  it('a 100 MB field is CSV_INVALID naming its line and the limit, after reading about the limit', async () => {
    for (const [fill, head] of [['x', 'a,b\n1,2\n3,'], ['y', 'a,b\n1,2\n3,"']] as const) {
      const { stream, pulled } = endless(head, fill, 100 * 1024 * 1024, '\n');
      const { error, records } = await readAll(stream);
      expect(error?.code).toBe('CSV_INVALID');
      expect(error?.details.problems).toEqual([{ file: '-', line: 3, field: 'csv', message: expect.stringContaining(String(MAX_FIELD_BYTES)) }]);
      expect(pulled.bytes).toBeLessThan(2 * 1024 * 1024); // of 100 MB: read stops soon after the limit (stream read-ahead aside)
      expect(records.length).toBeLessThanOrEqual(2);
    }
  });

  it('a row with 5 million extra cells gives a short error naming the cell limit', async () => {
    const { stream, pulled } = endless('a,b\n1,2\n', ',', 5_000_000, '\n');
    const { error } = await readAll(stream);
    expect(error?.code).toBe('CSV_INVALID');
    expect(error?.message.length).toBeLessThan(300);
    expect(error?.details.problems).toEqual([{ file: '-', line: 3, field: 'csv', message: expect.stringContaining(String(MAX_CELLS)) }]);
    expect(pulled.bytes).toBeLessThan(2 * 1024 * 1024); // of 5 MB: read stops soon after the limit (stream read-ahead aside)
  });

  it('a record of cells with line breaks inside quotes is bounded as a whole, reported at the line it starts on', async () => {
    const { stream } = endless('a,b\n1,', `"${'x\n'.repeat(40)}",`, 10 * MAX_RECORD_BYTES, '"\n');
    const { error } = await readAll(stream);
    expect(error?.details.problems).toEqual([{ file: '-', line: 2, field: 'csv', message: expect.stringContaining(String(MAX_RECORD_BYTES)) }]);
  });

  it('records at the limits are read, whatever the chunk boundaries', async () => {
    const field = 'é'.repeat(MAX_FIELD_BYTES / 2);
    const cells = Array.from({ length: MAX_CELLS }, () => '').join(',');
    const text = `a,b\n"${field}",2\n${cells}\n"a ""quoted"", cell",x\n`;
    const bytes = Buffer.from(text);
    const pieces = Array.from({ length: Math.ceil(bytes.length / 7919) }, (_, at) => bytes.subarray(at * 7919, (at + 1) * 7919));
    for (const stream of [chunked(text), chunked(...pieces)]) {
      const { error, records } = await readAll(stream);
      expect(error).toBeUndefined();
      expect(records.map((record) => record.cells[0])).toEqual(['a', field, 'a "quoted", cell']);
    }
    expect((await readAll(byteByByte('a,b\n"x,""y\n"" z",2\n'))).records[1]?.cells).toEqual(['x,"y\n" z', '2']);
  });
});

describe('a last row cut short', () => {
  it('stdin that ends without a final line break: the last row is marked cut, the others are not', async () => {
    const { records } = await readAll(chunked('a,b\n1,2\n3,10.'));
    expect(records.map((record) => record.cut)).toEqual([undefined, undefined, expect.stringMatching(/line break/)]);
    for (const text of ['a,b\n1,2\n3,10.5\n', 'a,b\r\n1,2\r\n3,10.5\r\n', 'a,b\n1,2\n3,10.5\n\n']) {
      expect((await readAll(chunked(text))).records.every((record) => record.cut === undefined)).toBe(true);
    }
  });

  function fileInput(content: string, change: (file: string) => void) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-bounds-'));
    const file = path.join(dir, 'rows.csv');
    fs.writeFileSync(file, content);
    const problems = new ProblemList(file);
    const input = CsvInput.open(file, process.stdin, new AbortController().signal, problems);
    change(file);
    return { input, problems, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
  }

  async function read(input: CsvInput, problems: ProblemList): Promise<{ records: CsvRecord[]; error?: OmsError }> {
    const records: CsvRecord[] = [];
    try {
      for await (const batch of new CsvReader(input, problems).batches()) records.push(...batch);
    } catch (error) {
      if (!(error instanceof OmsError)) throw error;
      return { records, error };
    }
    return { records };
  }

  it('a file without a final line break that did not change is read whole', async () => {
    const { input, problems, cleanup } = fileInput('a,b\n1,2\n3,10.5', () => {});
    try {
      expect((await read(input, problems)).records.map((record) => record.cut)).toEqual([undefined, undefined, undefined]);
    } finally {
      cleanup();
    }
  });

  it('a file that grew while read, ending mid-row: the last row is marked cut', async () => {
    const { input, problems, cleanup } = fileInput('a,b\n1,2\n', (file) => fs.appendFileSync(file, '3,10.'));
    try {
      const { records } = await read(input, problems);
      expect(records.map((record) => record.cut)).toEqual([undefined, undefined, expect.stringMatching(/grew/)]);
    } finally {
      cleanup();
    }
  });

  it('a file that shrank while read is CSV_INVALID: nothing from it is trusted', async () => {
    const { input, problems, cleanup } = fileInput('a,b\n1,2\n3,10.5\n', (file) => fs.truncateSync(file, 12));
    try {
      const { error } = await read(input, problems);
      expect(error?.code).toBe('CSV_INVALID');
      expect(error?.message).toMatch(/shrank/);
    } finally {
      cleanup();
    }
  });
});

describe('bounded problem list', () => {
  it('keeps 100 problems, each clipped, and counts the rest', () => {
    const problems = new ProblemList('x.csv');
    for (let line = 2; line < 1002; line++) problems.add(line, `column ${'n'.repeat(10_000)}`, `unknown ${'v\u0085'.repeat(10_000)}`);
    expect(problems.kept).toHaveLength(100);
    expect(problems.more).toBe(900);
    for (const problem of problems.kept) {
      expect(problem.field.length).toBeLessThanOrEqual(65);
      expect(problem.message.length).toBeLessThanOrEqual(301);
      expect(problem.message).not.toMatch(/\u0085/);
    }
  });
});

describe('RecordBounds', () => {
  /** What scanning these pieces ends in: the error's line and message, or how the input ended. */
  function outcome(pieces: Buffer[]): string {
    const bounds = new RecordBounds(',', new ProblemList('-'));
    try {
      for (const piece of pieces) bounds.scan(piece);
    } catch (error) {
      const [problem] = (error as OmsError).details.problems ?? [];
      return `${problem?.line}: ${problem?.message}`;
    }
    return `ends with a line break: ${bounds.endsWithLineBreak}`;
  }

  it('decides the same whatever the chunk boundaries (its fast path for plain rows agrees with the byte-by-byte one)', () => {
    const part = fc.constantFrom('a', ',', '"', '""', ' ', '\n', '\r', '\r\n', 'x'.repeat(MAX_FIELD_BYTES - 1), ','.repeat(MAX_CELLS - 2), `"${'y\n'.repeat(9000)}"`);
    fc.assert(
      fc.property(fc.array(part, { maxLength: 40 }), fc.array(fc.nat(), { maxLength: 6 }), (parts, cuts) => {
        const bytes = Buffer.from(parts.join(''));
        const whole = outcome([bytes]);
        const at = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
        const pieces = [0, ...at].map((from, index) => bytes.subarray(from, [...at, bytes.length][index]));
        expect(outcome(pieces)).toBe(whole);
        if (bytes.length < 5000) expect(outcome([...bytes].map((byte) => Buffer.from([byte])))).toBe(whole);
      }),
      { numRuns: 300 },
    );
  });
});
