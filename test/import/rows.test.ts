// A row becomes a command by the same field rules as the command line; a bad
// row reports every problem it has, under the CSV's column names, with a
// hint where a spreadsheet mangled a number.

import { describe, expect, it } from 'vitest';
import { removeCommand } from '../../src/core/commands.js';
import { RowOpIds } from '../../src/import/op-ids.js';
import { RowReader } from '../../src/import/rows.js';
import { header } from './helpers.js';

const ALL = 'action,order_id,symbol,side,amount,price,source,client,op_id';

function read(line: string, head = ALL) {
  return new RowReader(header(head)).read(line.split(','));
}

function fields(line: string, head = ALL): string[] {
  return (read(line, head).problems ?? []).map((problem) => problem.field);
}

describe('rows to commands', () => {
  it('builds canonical commands for each action', () => {
    expect(read('add,7,jpm,b,20,20.50,desk,,').request).toEqual({
      command: { type: 'add', orderId: 7, symbol: 'JPM', side: 'Buy', amount: 20, price: '20.5', source: 'desk' },
      opId: undefined,
      symbol: undefined,
      side: undefined,
    });
    expect(read('MODIFY,7,,,0,,,,').request?.command).toEqual({ type: 'modify', orderId: 7, amount: 0 });
    expect(read('modify,7,JPM,Buy,,21,,,').request).toMatchObject({ command: { type: 'modify', orderId: 7, price: '21' }, symbol: 'JPM', side: 'Buy' });
    expect(read('remove,7,,s,,,,,op-9').request).toMatchObject({ command: { type: 'remove', orderId: 7 }, opId: 'op-9', side: 'Sell' });
    expect(read('trade,,JPM,Sell,5,,,acme,').request?.command).toEqual({ type: 'trade', symbol: 'JPM', side: 'Sell', amount: 5, client: 'acme', partial: false });
  });

  it('treats an empty action, or no action column, as add', () => {
    expect(read(',1,A,Buy,1,1,,,').request?.command.type).toBe('add');
    expect(read('1,A,Buy,1,1', 'order_id,symbol,side,amount,price').request?.command.type).toBe('add');
  });

  it("unwraps export's spreadsheet protection from free text, and only from free text", () => {
    expect(read("add,1,A,Buy,1,1,'=SUM(A1),,").request?.command).toMatchObject({ source: '=SUM(A1)' });
    expect(read("add,1,A,Buy,1,1,'plain,,").request?.command).toMatchObject({ source: "'plain" });
    expect(read("trade,,A,Buy,1,,,'-acme,'+id").request).toMatchObject({ command: { client: '-acme' }, opId: '+id' });
    expect(fields("add,'1,A,Buy,1,1,,,")).toEqual(['order_id']);
  });

  it('reports every bad cell of a row, named by column', () => {
    const result = read('add,x,J P M,up,0,1.123456789,,,');
    expect(result.problems).toEqual([
      { field: 'order_id', message: '"x" is not a positive whole number' },
      { field: 'symbol', message: expect.stringContaining('"J P M"') },
      { field: 'side', message: '"up" is not a side (Buy, Sell, b or s)' },
      { field: 'amount', message: '"0" must be greater than zero' },
      { field: 'price', message: '"1.123456789" has more than 8 decimal places' },
    ]);
  });

  it('names the cell a spreadsheet mangled and says how', () => {
    const [scientific] = read('add,1.23457E+15,A,Buy,1,1,,,').problems ?? [];
    expect(scientific).toEqual({ field: 'order_id', message: expect.stringMatching(/^"1\.23457E\+15" .*scientific notation/) });
    const reader = new RowReader(header(ALL));
    const cells = ['add', '1', 'A', 'Buy', '1,000', '2,5', '', '', ''];
    expect(reader.read(cells).problems).toEqual([
      { field: 'amount', message: expect.stringMatching(/^"1,000" .*thousands separator/) },
      { field: 'price', message: expect.stringMatching(/^"2,5" .*decimal comma/) },
    ]);
  });

  it('requires what the action needs, saying whether the cell or the column is missing', () => {
    expect(read('add,,A,Buy,1,1,,,').problems).toEqual([{ field: 'order_id', message: 'is required for an add row, but the cell is empty' }]);
    expect(read('trade,A,Buy', 'action,symbol,side').problems).toEqual([{ field: 'amount', message: 'is required for a trade row, but the header has no amount column' }]);
    expect(read('modify,3,,,,,,,').problems).toEqual([{ field: 'amount', message: expect.stringContaining('needs amount, price or both') }]);
    expect(fields('remove,,,,,,,,')).toEqual(['order_id']);
  });

  it('refuses cells that do not apply to the action', () => {
    expect(fields('add,1,A,Buy,1,1,,acme,')).toEqual(['client']);
    expect(fields('trade,5,A,Buy,1,2,desk,,')).toEqual(['order_id', 'price', 'source']);
    expect(fields('remove,5,,,3,,,,')).toEqual(['amount']);
    expect(fields('modify,5,,,3,,desk,,')).toEqual(['source']);
  });

  it('refuses an unknown action', () => {
    expect(read('buy,1,A,Buy,1,1,,,').problems).toEqual([{ field: 'action', message: '"buy" is not an action (add, modify, remove, trade)' }]);
  });

  it('refuses cells past the header and under an unnamed column, but not empty ones', () => {
    expect(read('1,A,Buy,1,1,,', 'order_id,symbol,side,amount,price').request).toBeDefined();
    expect(read('1,A,Buy,1,1,x', 'order_id,symbol,side,amount,price').problems).toEqual([
      { field: 'row', message: 'has 6 cells but the header has 5 (extra: "x")' },
    ]);
    expect(read('1,A,Buy,1,1,', 'order_id,symbol,side,amount,price,').request).toBeDefined();
    expect(fields('1,A,Buy,1,1,x', 'order_id,symbol,side,amount,price,')).toEqual(['column 6']);
  });

  it('checks op_id and free text like the command line does', () => {
    expect(fields(`add,1,A,Buy,1,1,,,${'x'.repeat(129)}`)).toEqual(['op_id']);
    expect(fields(`add,1,A,Buy,1,1,${'s'.repeat(65)},,`)).toEqual(['source']);
    expect(fields('add,1,A,Buy,1,1,a\u0007b,,')).toEqual(['source']);
    expect(read('add,1,A,Buy,1,1,__proto__,,').request?.command).toMatchObject({ source: '__proto__' });
    expect(fields('add,1,__proto__,Buy,1,1,,,')).toEqual(['symbol']);
  });

  it('treats a short row as having empty cells at the end', () => {
    expect(read('remove,4').request?.command).toEqual({ type: 'remove', orderId: 4 });
    expect(fields('add,4,A')).toEqual(['side', 'amount', 'price']);
  });
});

describe('reserved op ids in op_id cells (SPEC §12)', () => {
  it('refuses quote: and generated-shape ids', () => {
    expect(read('remove,7,,,,,,,quote:3').problems).toEqual([{ field: 'op_id', message: expect.stringMatching(/reserved/) }]);
    expect(read('remove,7,,,,,,,op-lz3abc-0123456789ab0').problems).toEqual([{ field: 'op_id', message: expect.stringMatching(/reserved/) }]);
  });

  it('keeps an import: id written by --rejects on the row it was derived for, and refuses it on any other row', () => {
    const derived = new RowOpIds('daily.csv').derive(removeCommand({ orderId: 7 }));
    expect(read(`remove,7,,,,,,,${derived}`).request?.opId).toBe(derived);
    expect(read(`remove,8,,,,,,,${derived}`).problems).toEqual([{ field: 'op_id', message: expect.stringMatching(/another row/) }]);
    expect(read('remove,7,,,,,,,import:daily.csv:x:1').problems).toEqual([{ field: 'op_id', message: expect.stringMatching(/another row/) }]);
  });
});

describe('bounded problems', () => {
  it('a row with many extra cells names three and counts the rest', () => {
    const problems = read(`add,1,A,Buy,1,1,,,,${Array.from({ length: 1000 }, (_, at) => `x${at}`).join(',')}`).problems ?? [];
    expect(problems).toEqual([{ field: 'row', message: 'has 1009 cells but the header has 9 (extra: "x0", "x1", "x2" and 997 more)' }]);
  });
});
