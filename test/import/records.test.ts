// Reading CSV records as spreadsheets and scripts write them: every line
// ending, quotes with delimiters and line breaks inside, blank lines, the
// three delimiters, and the physical line each record starts on, whatever
// the chunk boundaries.

import { describe, expect, it } from 'vitest';
import { byteByByte, chunked, readAll } from './helpers.js';

const cellsOf = (result: Awaited<ReturnType<typeof readAll>>): string[][] => result.records.map((record) => record.cells);
const linesOf = (result: Awaited<ReturnType<typeof readAll>>): number[] => result.records.map((record) => record.line);

describe('CSV records', () => {
  it('numbers records by the physical line they start on, counting breaks inside quotes and blank lines', async () => {
    const text = 'a,b\r\n1,"x\r\ny"\r\n\r\n2,"p\nq\nr"\r\n,\r\n3,z';
    for (const stream of [chunked(text), byteByByte(text)]) {
      const result = await readAll(stream);
      expect(cellsOf(result)).toEqual([['a', 'b'], ['1', 'x\r\ny'], ['2', 'p\nq\nr'], ['3', 'z']]);
      expect(linesOf(result)).toEqual([1, 2, 5, 9]);
    }
  });

  it('takes LF, CRLF, CR and a mix (rows appended to a CRLF file with LF)', async () => {
    for (const text of ['h\n1\n2\n', 'h\r\n1\r\n2\r\n', 'h\r1\r2\r', 'h\r\n1\r\n2\n', 'h\n1\n2']) {
      const result = await readAll(byteByByte(text));
      expect(cellsOf(result), JSON.stringify(text)).toEqual([['h'], ['1'], ['2']]);
      expect(linesOf(result)).toEqual([1, 2, 3]);
    }
  });

  it('detects the delimiter from the header: comma, semicolon or tab', async () => {
    const cases: [string, string][] = [
      ['a,b,c\n1,2;5,3\n', ','],
      ['a;b;c\n1;"2;5";3\n', ';'],
      ['a\tb\tc\n1\t2,5\t3\n', '\t'],
      ['"x;y",b,c\n1,2,3\n', ','],
    ];
    for (const [text, delimiter] of cases) {
      const result = await readAll(chunked(text));
      expect(result.reader.delimiter, text).toBe(delimiter);
      expect(result.records[1]?.cells.length).toBe(3);
    }
  });

  it('trims spaces around unquoted cells but keeps them inside quotes; keeps doubled quotes as one', async () => {
    const result = await readAll(chunked('a,b,c\n  x , " y " ,"say ""hi"""\n'));
    expect(result.records[1]?.cells).toEqual(['x', ' y ', 'say "hi"']);
  });

  it('skips a row of empty cells as a spreadsheet writes for an empty row', async () => {
    const result = await readAll(chunked('a,b\n,,\n1,2\n ,\n'));
    expect(cellsOf(result)).toEqual([['a', 'b'], ['1', '2']]);
    expect(linesOf(result)).toEqual([1, 3]);
  });

  it('stops at a quote that is never closed, naming the line where its record starts', async () => {
    const result = await readAll(byteByByte('a,b\n1,2\n3,"open\n4,5\n6,7\n'));
    expect(cellsOf(result)).toEqual([['a', 'b'], ['1', '2']]);
    expect(result.error?.code).toBe('CSV_INVALID');
    expect(result.problems.kept).toEqual([{ file: '-', line: 3, field: 'csv', message: expect.stringContaining('never closed') }]);
  });

  it('stops at text after a closing quote, naming its line', async () => {
    const result = await readAll(chunked('a,b\n1,"x\ny"\n2,"bad"x\n3,4\n'));
    expect(result.error?.code).toBe('CSV_INVALID');
    expect(result.problems.kept[0]).toMatchObject({ line: 4, field: 'csv' });
  });

  it('keeps a stray quote inside an unquoted cell as text', async () => {
    const result = await readAll(chunked('a,b\n12" pipe,2\n'));
    expect(result.records[1]?.cells).toEqual(['12" pipe', '2']);
  });

  it('gives no records for an empty input', async () => {
    const result = await readAll(chunked());
    expect(result.records).toEqual([]);
    expect(result.error).toBeUndefined();
  });
});
