// The header row: known columns in any order and case, `error` ignored,
// unnamed empty columns tolerated, anything else refused up front.

import { describe, expect, it } from 'vitest';
import { readHeader } from '../../src/import/columns.js';
import { ProblemList } from '../../src/import/problems.js';

function check(cells: string[]) {
  const problems = new ProblemList('h.csv');
  const header = readHeader(cells, problems);
  return { header, messages: problems.kept.map((problem) => `${problem.line}:${problem.field}: ${problem.message}`) };
}

describe('import header', () => {
  it('finds known columns in any order and case', () => {
    const { header, messages } = check(['Price', 'SIDE', 'symbol', 'Amount', 'Order_ID', 'error', '']);
    expect(messages).toEqual([]);
    expect(header?.at).toMatchObject({ price: 0, side: 1, symbol: 2, amount: 3, order_id: 4, action: -1, source: -1 });
    expect(header?.errorColumn).toBe(5);
    expect(header?.unnamed).toEqual([6]);
  });

  it('refuses unknown and repeated columns, all of them', () => {
    const { header, messages } = check(['order_id', 'symbol', 'side', 'amount', 'price', 'qty', 'Symbol', 'error', 'ERROR']);
    expect(header).toBeUndefined();
    expect(messages).toEqual([
      expect.stringMatching(/^1:header: unknown column "qty"/),
      '1:header: column "Symbol" appears twice',
      '1:header: column "ERROR" appears twice',
    ]);
  });

  it('without an action column, needs every column an add needs', () => {
    expect(check(['order_id', 'symbol', 'amount']).messages).toEqual([expect.stringMatching(/^1:header: missing columns side, price: /)]);
    expect(check(['action', 'order_id']).messages).toEqual([]);
  });

  it('says a first line of data is not a header', () => {
    expect(check(['1', 'JPM', 'Buy', '20', '20']).messages).toEqual([expect.stringContaining('the first line must be a header')]);
  });
});
