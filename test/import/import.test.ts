// The import as a whole against a real file store: one atomic commit with one
// fsync, all or nothing, --continue-on-error, dry runs that touch nothing,
// reruns that change nothing, appended rows, and interruption.

import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { OmsError } from '../../src/core/errors.js';
import { importCsv, type ImportRequest, type ImportSummary } from '../../src/import/batch.js';
import { Oms } from '../../src/app/oms.js';
import { openStore } from '../../src/store/open.js';
import type { StateStore } from '../../src/store/store.js';
import { stateFiles, tempState, type TempState } from '../e2e/helpers.js';

const states: TempState[] = [];
afterEach(() => {
  for (const state of states.splice(0)) state.cleanup();
});

async function fresh(): Promise<{ state: string; dir: string; store: StateStore }> {
  const temp = tempState();
  states.push(temp);
  return { state: temp.state, dir: temp.dir, store: await openStore(temp.state) };
}

async function run(store: StateStore, csv: string, options: Partial<ImportRequest> = {}, signal = new AbortController().signal): Promise<ImportSummary> {
  const notices: string[] = [];
  try {
    return await importCsv(new Oms(store), { file: '-', stdin: Readable.from([Buffer.from(csv)]), dryRun: false, continueOnError: false, ...options }, { signal, notice: (message) => notices.push(message) });
  } finally {
    await store.close();
  }
}

async function failure(promise: Promise<unknown>): Promise<OmsError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(OmsError);
  return error as OmsError;
}

const BOOK = 'order_id,symbol,side,amount,price\n1,JPM,Buy,20,20\n2,GOOG,Sell,12,25\n3,AMZN,Sell,7,10\n4,JPM,Buy,10,21\n';

describe('import into a file store', () => {
  it('commits the whole file as one transaction with one fsync', async () => {
    const { store } = await fresh();
    const summary = await run(store, BOOK);
    expect(summary).toMatchObject({ file: '-', batch: 'stdin', dryRun: false, read: 4, applied: 4, replayed: 0, unchanged: 0, rejected: 0, rejectsFile: null, problems: [], moreProblems: 0 });
    expect(store.stats).toMatchObject({ commits: 1, operations: 4, details: { fsyncs: 1 } });
    const ledger = await store.read();
    expect(ledger.price('JPM', 'Buy', 22, false).total).toBe('442');
  });

  it('checks each row against the state the rows before it left', async () => {
    const { store } = await fresh();
    const csv = `action,order_id,symbol,side,amount,price,client\n${BOOK.split('\n').slice(1, -1).map((row) => `add,${row},`).join('\n')}\ntrade,,JPM,Buy,22,,acme\nmodify,4,,,,22,\nremove,1,,,,,\n`;
    const summary = await run(store, csv);
    expect(summary).toMatchObject({ read: 7, applied: 6, unchanged: 1, rejected: 0 });
    const ledger = await store.read();
    expect(ledger.order(1)).toBeUndefined();
    expect(await ledger.orderStatus(4)).toMatchObject({ status: 'live', order: { amount: 8, price: '22' } });
  });

  it('applies nothing when any row is bad, however far down, and leaves every file as it was', async () => {
    const { store, state } = await fresh();
    await run(store, BOOK);
    const before = stateFiles(state);
    const rows = Array.from({ length: 3000 }, (_, i) => `${100 + i},SYM,Buy,1,${i + 1}`);
    const error = await failure(run(store, `order_id,symbol,side,amount,price\n${rows.join('\n')}\n9999,SYM,Buy,1,1e3\n`));
    expect(error.code).toBe('CSV_INVALID');
    expect(error.message).toBe('-: 1 row is not valid (of 3001); nothing was imported');
    expect(error.details.problems).toEqual([{ file: '-', line: 3002, field: 'price', message: expect.stringContaining('"1e3"') }]);
    expect(stateFiles(state)).toEqual(before);
    expect((await store.read()).orderCount).toBe(4);
  });

  it('keeps the first 100 problems and counts the rest', async () => {
    const { store } = await fresh();
    const rows = Array.from({ length: 250 }, (_, i) => `${i + 1},SYM,Sideways,1,1`);
    const error = await failure(run(store, `order_id,symbol,side,amount,price\n${rows.join('\n')}\n`));
    expect(error.details.problems).toHaveLength(100);
    expect(error.details.moreProblems).toBe(150);
    expect(error.details.problems?.[99]?.line).toBe(101);
  });

  it('with continueOnError, commits the good rows and counts the rejected', async () => {
    const { store } = await fresh();
    const summary = await run(store, 'order_id,symbol,side,amount,price\n1,A,Buy,1,1\n2,A,Buy,x,1\n3,A,Buy,1,1\n1,A,Sell,1,1\n', { continueOnError: true });
    expect(summary).toMatchObject({ read: 4, applied: 2, rejected: 2 });
    expect(summary.problems.map((problem) => [problem.line, problem.field])).toEqual([
      [3, 'amount'],
      [5, 'order_id'],
    ]);
    expect(store.stats.details?.['fsyncs']).toBe(1);
  });

  it('changes nothing on a second run, and applies only rows appended since', async () => {
    const { store, state } = await fresh();
    const csv = 'action,order_id,symbol,side,amount,price,client\nadd,1,A,Sell,10,5,\ntrade,,A,Sell,2,,c\ntrade,,A,Sell,2,,c\n';
    expect(await run(store, csv, { batch: 'daily' })).toMatchObject({ applied: 3 });
    const before = stateFiles(state);
    expect(await run(store, csv, { batch: 'daily' })).toMatchObject({ read: 3, applied: 0, replayed: 3 });
    expect(stateFiles(state)).toEqual(before);
    expect(await run(store, `${csv}trade,,A,Sell,2,,c\nadd,2,A,Sell,1,6,\n`, { batch: 'daily' })).toMatchObject({ read: 5, applied: 2, replayed: 3 });
    expect(await (await store.read()).orderStatus(1)).toMatchObject({ order: { amount: 4 } });
    expect(await run(store, csv, { batch: 'next-day' })).toMatchObject({ applied: 2, replayed: 1 });
  });

  it('uses op_id cells as given: a rerun replays, other content under the same id conflicts', async () => {
    const { store } = await fresh();
    await run(store, 'action,order_id,symbol,side,amount,price,op_id\nadd,1,A,Sell,10,5,\ntrade,,A,Sell,2,,t-1\n');
    expect(await run(store, 'action,symbol,side,amount,op_id\ntrade,A,Sell,2,t-1\n', { batch: 'other' })).toMatchObject({ replayed: 1 });
    const error = await failure(run(store, 'action,symbol,side,amount,op_id\ntrade,A,Sell,3,t-1\n'));
    expect(error.details.problems).toEqual([{ file: '-', line: 2, field: 'op_id', message: expect.stringContaining('was already used') }]);
  });

  it('dry run: counts what would happen and leaves an existing state byte for byte', async () => {
    const { store, state } = await fresh();
    await run(store, BOOK);
    const before = stateFiles(state);
    const csv = 'action,order_id,symbol,side,amount,price\nadd,5,A,Buy,1,1\nremove,1,,,,\nadd,1,JPM,Buy,20,20\n';
    expect(await run(store, csv, { dryRun: true })).toMatchObject({ dryRun: true, read: 3, applied: 2, replayed: 1 });
    expect(stateFiles(state)).toEqual(before);
    expect((await failure(run(store, `${csv}add,6,A,Buy,0,1\n`, { dryRun: true }))).code).toBe('CSV_INVALID');
    expect(stateFiles(state)).toEqual(before);
  });

  it('an interrupted import commits nothing and releases the lock', async () => {
    const { store, state } = await fresh();
    await run(store, BOOK);
    const before = stateFiles(state);
    const controller = new AbortController();
    const rows = Array.from({ length: 2000 }, (_, i) => `${100 + i},SYM,Buy,1,1`).join('\n');
    async function* slowly(): AsyncGenerator<Buffer> {
      yield Buffer.from(`order_id,symbol,side,amount,price\n${rows}\n`);
      controller.abort('SIGINT');
      yield Buffer.from('5000,SYM,Buy,1,1\n');
    }
    const error = await failure(importCsv(new Oms(store), { file: '-', stdin: Readable.from(slowly()), dryRun: false, continueOnError: false }, { signal: controller.signal, notice: () => {} }));
    store.close();
    expect(error.code).toBe('INTERRUPTED');
    expect(stateFiles(state)).toEqual(before);
    expect(fs.existsSync(path.join(path.dirname(state), 'state.lock'))).toBe(false);
  });

  it('refuses a header problem before taking the lock or creating a state', async () => {
    const { store, dir } = await fresh();
    const error = await failure(run(store, 'id,symbol\n1,A\n'));
    expect(error.details.problems?.[0]).toMatchObject({ line: 1, field: 'header' });
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('a last row cut short (SPEC §12)', () => {
  it('stdin without a final line break: the last row is a problem, nothing is imported', async () => {
    const { store, state } = await fresh();
    const error = await failure(run(store, 'order_id,symbol,side,amount,price,source\n1,JPM,Buy,20,20,desk\n2,JPM,Buy,10,10.'));
    expect(error.code).toBe('CSV_INVALID');
    expect(error.details.problems).toEqual([{ file: '-', line: 3, field: 'row', message: expect.stringContaining('cut short') }]);
    const again = await openStore(state);
    expect((await again.read()).orderCount).toBe(0);
    await again.close();
  });

  it('with --continue-on-error the cut row is rejected and the complete rows are applied', async () => {
    const { store } = await fresh();
    const summary = await run(store, 'order_id,symbol,side,amount,price,source\n1,JPM,Buy,20,20,desk\n2,JPM,Buy,10,10.', { continueOnError: true });
    expect(summary).toMatchObject({ read: 2, applied: 1, rejected: 1 });
  });
});
