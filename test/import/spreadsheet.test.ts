// What spreadsheets write (issue 17): headers that differ from ours only by
// spaces, case or punctuation (`Order ID`), extra columns named with
// ignoreColumns, and decimal commas with decimalComma; an ambiguous number
// stays an error.

import fs from 'node:fs';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { OmsError } from '../../src/core/errors.js';
import { importCsv, type ImportRequest, type ImportSummary } from '../../src/import/batch.js';
import { readHeader } from '../../src/import/columns.js';
import { ProblemList } from '../../src/import/problems.js';
import { Oms } from '../../src/app/oms.js';
import { openStore } from '../../src/store/open.js';
import { tempState, type TempState } from '../e2e/helpers.js';

const states: TempState[] = [];
afterEach(() => {
  for (const state of states.splice(0)) state.cleanup();
});

async function run(csv: string, options: Partial<ImportRequest> = {}): Promise<{ summary?: ImportSummary; error?: OmsError; orders: unknown[] }> {
  const temp = tempState();
  states.push(temp);
  const store = await openStore(temp.state);
  try {
    const summary = await importCsv(new Oms(store), { file: writeCsv(temp, csv), stdin: Readable.from([]), dryRun: false, continueOnError: false, ...options }, { signal: new AbortController().signal, notice: () => {} });
    const orders = Array.from((await store.read()).orders(), (order) => ({ id: order.orderId, price: order.price }));
    return { summary, orders };
  } catch (error) {
    if (!(error instanceof OmsError)) throw error;
    return { error, orders: [] };
  } finally {
    await store.close();
  }
}

function writeCsv(temp: TempState, csv: string): string {
  const file = `${temp.dir}/sheet.csv`;
  fs.writeFileSync(file, csv);
  return file;
}

function headerMessages(cells: string[], ignore: string[] = []): { at?: Record<string, number>; messages: string[] } {
  const problems = new ProblemList('h.csv');
  const header = readHeader(cells, problems, { ignore });
  return { ...(header ? { at: header.at } : {}), messages: problems.kept.map((problem) => problem.message) };
}

describe('spreadsheet headers', () => {
  it('match ours whatever the spaces, case and punctuation', () => {
    const { at, messages } = headerMessages(['Order ID', ' Symbol ', 'SIDE', 'Amount', 'Price', 'Op-Id', 'source.']);
    expect(messages).toEqual([]);
    expect(at).toMatchObject({ order_id: 0, symbol: 1, side: 2, amount: 3, price: 4, op_id: 5, source: 6 });
    expect(headerMessages(['Order ID', 'order_id', 'symbol', 'side', 'amount', 'price']).messages).toEqual(['column "order_id" appears twice']);
  });

  it('extra columns: refused, naming the option, unless named to ignore (which must be in the header)', () => {
    const cells = ['order_id', 'symbol', 'side', 'amount', 'price', 'Trader Notes'];
    expect(headerMessages(cells).messages).toEqual([expect.stringMatching(/unknown column "Trader Notes".*--ignore-columns/)]);
    expect(headerMessages(cells, ['trader notes']).messages).toEqual([]);
    expect(headerMessages(cells, ['notes']).messages).toContainEqual(expect.stringMatching(/"notes" is not a column of this file/));
  });
});

describe('importing a spreadsheet export', () => {
  it('ignored columns are skipped, whatever they hold', async () => {
    const { summary, orders } = await run('Order ID,Symbol,Side,Amount,Price,Notes\n1,JPM,Buy,20,20,call back\n', { ignoreColumns: ['Notes'] });
    expect(summary?.applied).toBe(1);
    expect(orders).toEqual([{ id: 1, price: '20' }]);
  });

  it('decimal commas in a semicolon file with decimalComma; the same file without it is refused with the hint', async () => {
    const csv = 'order_id;symbol;side;amount;price\n1;JPM;Buy;20;25,125\n2;JPM;Buy;5;21\n';
    const { summary, orders } = await run(csv, { decimalComma: true });
    expect(summary?.applied).toBe(2);
    expect(orders).toEqual(expect.arrayContaining([{ id: 1, price: '25.125' }, { id: 2, price: '21' }]));
    const refused = await run(csv);
    expect(refused.error?.code).toBe('CSV_INVALID');
    expect(refused.error?.details.problems?.[0]?.message).toMatch(/--decimal-comma/);
  });

  it('with decimalComma, a point (a thousands separator there) or two commas stay errors', async () => {
    const { error } = await run('order_id;symbol;side;amount;price\n1;JPM;Buy;20;1.234\n2;JPM;Buy;20;1.234,5\n3;JPM;Buy;20;1,234,5\n4;JPM;Buy;1.000;2\n', { decimalComma: true });
    expect(error?.code).toBe('CSV_INVALID');
    expect(error?.details.problems?.map((problem) => [problem.line, problem.field])).toEqual([
      [2, 'price'],
      [3, 'price'],
      [4, 'price'],
      [5, 'amount'],
    ]);
    expect(error?.details.problems?.[0]?.message).toMatch(/thousands separator/);
  });
});
