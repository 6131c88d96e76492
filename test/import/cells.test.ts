// Free text survives export → CSV → import exactly, whatever it holds, and a
// cell a spreadsheet would run as a formula is written protected.

import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvLine, protectText, unprotectText } from '../../src/import/cells.js';

describe('CSV cells', () => {
  it('round-trips any text through protect, a CSV line and unprotect, with every delimiter', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 20 }), { minLength: 1, maxLength: 4 }), fc.constantFrom(',', ';', '\t'), (texts, delimiter) => {
        const line = csvLine(texts.map(protectText), delimiter);
        const [cells] = parse(line, { delimiter, trim: true, relax_column_count: true }) as string[][];
        expect(cells?.map(unprotectText)).toEqual(texts);
      }),
    );
  });

  it('protects what a spreadsheet would run', () => {
    expect(['=1+1', '+1', '-1', '@x', '\tx', "'x", 'x'].map(protectText)).toEqual(["'=1+1", "'+1", "'-1", "'@x", "'\tx", "''x", 'x']);
    expect(csvLine(['a;b', 'c', null], ';')).toBe('"a;b";c;\r\n');
  });
});
