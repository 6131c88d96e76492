// Encodings an import file may come in: UTF-8 with or without a BOM and
// UTF-16 with a BOM are read (whatever the chunk boundaries); everything
// else is refused with the line and a reason, never guessed.

import { describe, expect, it } from 'vitest';
import { byteByByte, chunked, readAll } from './helpers.js';

const text = 'symbol,source\r\nJPM,Zürich ✓ 東京 😀\r\n';

describe('import encodings', () => {
  it('reads UTF-8 with a BOM and drops the BOM, even split byte by byte', async () => {
    for (const stream of [chunked(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])), byteByByte(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))]) {
      const result = await readAll(stream);
      expect(result.records.map((record) => record.cells)).toEqual([['symbol', 'source'], ['JPM', 'Zürich ✓ 東京 😀']]);
      expect(result.input.bom).toBe(true);
      expect(result.input.encoding).toBe('utf-8');
    }
  });

  it('reads UTF-8 without a BOM, multi-byte characters split across chunks', async () => {
    const result = await readAll(byteByByte(text));
    expect(result.records[1]?.cells[1]).toBe('Zürich ✓ 東京 😀');
    expect(result.input.bom).toBe(false);
  });

  it('decodes UTF-16 LE and BE with a BOM', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const [bytes, encoding] of [[le, 'utf-16le'], [be, 'utf-16be']] as const) {
      const result = await readAll(byteByByte(bytes));
      expect(result.error).toBeUndefined();
      expect(result.records[1]?.cells).toEqual(['JPM', 'Zürich ✓ 東京 😀']);
      expect(result.input.encoding).toBe(encoding);
    }
  });

  it('refuses text that is not UTF-8 (Windows-1252), naming the line', async () => {
    const bytes = Buffer.from('symbol,source\r\nJPM,desk\r\nJPM,Soci\xe9t\xe9\r\n', 'latin1');
    const result = await readAll(chunked(bytes));
    expect(result.error?.code).toBe('CSV_INVALID');
    expect(result.problems.kept).toEqual([{ file: '-', line: 3, field: 'file', message: expect.stringMatching(/not UTF-8 text \(byte 0xE9 .*save it as UTF-8/) }]);
  });

  it('refuses a surrogate encoded as UTF-8 bytes (CESU-8): no lone surrogate reaches a cell', async () => {
    const bytes = Buffer.concat([Buffer.from('symbol,source\nJPM,a'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('b\n')]);
    const result = await readAll(byteByByte(bytes));
    expect(result.error?.code).toBe('CSV_INVALID');
    expect(result.problems.kept).toEqual([{ file: '-', line: 2, field: 'file', message: expect.stringMatching(/not UTF-8/) }]);
  });

  it('refuses UTF-16 without a BOM and UTF-32', async () => {
    const cases = [Buffer.from(text, 'utf16le'), Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), Buffer.from('a\0\0\0')])];
    for (const bytes of cases) {
      const result = await readAll(chunked(bytes));
      expect(result.error?.code).toBe('CSV_INVALID');
      expect(result.problems.kept[0]).toMatchObject({ line: 1, field: 'file' });
    }
  });

  it('refuses a file that ends in the middle of a character', async () => {
    const result = await readAll(chunked(Buffer.concat([Buffer.from('a\n'), Buffer.from('✓').subarray(0, 2)])));
    expect(result.problems.kept[0]).toMatchObject({ line: 2, field: 'file', message: expect.stringContaining('middle of a character') });
  });

  it('refuses a UTF-16 file with a lone surrogate', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n', 'utf16le'), Buffer.from([0x00, 0xd8]), Buffer.from(',x\n', 'utf16le')]);
    const result = await readAll(chunked(bytes));
    expect(result.error?.code).toBe('CSV_INVALID');
    expect(result.problems.kept[0]).toMatchObject({ field: 'file', message: expect.stringContaining('UTF-16LE') });
  });
});
