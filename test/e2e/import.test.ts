// `oms import` through the built binary (SPEC §4): the fixture files as
// spreadsheets and scripts write them, every kind of bad row reported by line
// and column with exit 6 and the state untouched, --continue-on-error with a
// rejects file that imports once fixed, reruns, dry runs, stdin, export then
// import rebuilding the same book, and the writer lock held for the whole file.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMAND_GUARD_MS, OMS, ROOT, oms, omsJson, stateFiles, tempState, until, type TempState, tmuxAvailable } from './helpers.js';

const FIXTURES = path.join(ROOT, 'fixtures/import');
const fixture = (name: string): string => path.join(FIXTURES, name);
const FEED_ROWS = path.join(ROOT, 'test/e2e/scripts/feed-rows.mjs');

const states: TempState[] = [];
afterEach(() => {
  for (const state of states.splice(0)) state.cleanup();
});

function fresh(): TempState {
  const state = tempState();
  states.push(state);
  return state;
}

async function ok(state: string, args: string[], input?: string): Promise<any> {
  const { result, json } = await omsJson(args, { state, ...(input !== undefined ? { input } : {}) });
  expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return json;
}

const withoutTimes = (orders: { acceptedAt?: string }[]): unknown[] => orders.map(({ acceptedAt: _acceptedAt, ...order }) => order);

/** A shell command in a tmux window of its own server: a real terminal for stderr. */
function inTerminal(command: string): { screen(): string; close(): void } {
  const socket = `oms-import-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  tmux('new-session', '-d', '-s', 'oms', '-x', '150', '-y', '20', `${command}; echo "EXIT=$?"; sleep infinity`);
  return {
    screen: () => tmux('capture-pane', '-p', '-J', '-t', 'oms', '-S', '-200'),
    close: () => tmux('kill-server'),
  };
}

describe('oms import: files as other tools write them', () => {
  it('reads UTF-8 with BOM and CRLF, quotes, semicolons, tabs, UTF-16 with BOM, and reports the summary', async () => {
    const { state } = fresh();
    const summary = await ok(state, ['import', fixture('spreadsheet-export.csv')]);
    expect(summary).toEqual({
      file: fixture('spreadsheet-export.csv'),
      batch: 'spreadsheet-export.csv',
      dryRun: false,
      read: 5,
      applied: 5,
      replayed: 0,
      unchanged: 0,
      rejected: 0,
      seconds: expect.any(Number),
      rejectsFile: null,
      problems: [],
      moreProblems: 0,
    });
    for (const name of ['semicolon.csv', 'unicode-text.txt', 'utf16be.csv', 'orders.tsv']) {
      expect(await ok(state, ['import', fixture(name)]), name).toMatchObject({ rejected: 0 });
    }
    const { orders } = await ok(state, ['orders']);
    expect(withoutTimes(orders)).toEqual([
      { orderId: 3, symbol: 'AMZN', side: 'Sell', amount: 7, price: '10', source: null },
      { orderId: 2, symbol: 'GOOG', side: 'Sell', amount: 12, price: '25.5', source: 'the "quant" desk' },
      { orderId: 41, symbol: 'IBM', side: 'Buy', amount: 9, price: '139.75', source: null },
      { orderId: 40, symbol: 'IBM', side: 'Sell', amount: 8, price: '140.25', source: null },
      { orderId: 1, symbol: 'JPM', side: 'Buy', amount: 20, price: '20', source: 'Desk A, London' },
      { orderId: 4, symbol: 'JPM', side: 'Buy', amount: 10, price: '21', source: '=SUM(A1)' },
      { orderId: 5, symbol: 'MSFT', side: 'Sell', amount: 1000, price: '123.45678901', source: 'padded' },
      { orderId: 20, symbol: 'NESN', side: 'Buy', amount: 10, price: '99.5', source: 'Zürich desk ✓' },
      { orderId: 21, symbol: 'NESN', side: 'Sell', amount: 5, price: '100', source: '東京' },
      { orderId: 10, symbol: 'SAP', side: 'Buy', amount: 100, price: '120.5', source: 'Desk; Frankfurt' },
      { orderId: 11, symbol: 'SAP', side: 'Sell', amount: 50, price: '121', source: null },
      { orderId: 30, symbol: 'SIE', side: 'Buy', amount: 3, price: '150', source: 'Müller' },
    ]);
  });

  it('runs every action in order, trades included, and a second run applies nothing', async () => {
    const { state } = fresh();
    expect(await ok(state, ['import', fixture('mixed-actions.csv')])).toMatchObject({ read: 15, applied: 14, unchanged: 1, rejected: 0 });
    const { orders } = await ok(state, ['orders']);
    expect(withoutTimes(orders)).toEqual([
      { orderId: 3, symbol: 'AMZN', side: 'Sell', amount: 5, price: '11', source: null },
      { orderId: 4, symbol: 'JPM', side: 'Buy', amount: 5, price: '21', source: null },
      { orderId: 6, symbol: 'TSLA', side: 'Sell', amount: 4, price: '200.125', source: null },
    ]);
    const { trades } = await ok(state, ['trades']);
    expect(trades.map((trade: any) => [trade.tradeId, trade.symbol, trade.filled, trade.total, trade.client, trade.opId.startsWith('import:mixed-actions.csv:') ? 'derived' : trade.opId])).toEqual([
      [3, 'AMZN', 2, '22', 'bob', 'derived'],
      [2, 'AMZN', 2, '22', 'bob', 'derived'],
      [1, 'JPM', 22, '442', 'acme', 'nightly-1'],
    ]);
    const before = stateFiles(state);
    expect(await ok(state, ['import', fixture('mixed-actions.csv')])).toMatchObject({ read: 15, applied: 0, replayed: 14, unchanged: 1 });
    expect(stateFiles(state)).toEqual(before);
  });

  it('after rows are appended to a file of the same name, applies only the new rows', async () => {
    const { state, dir } = fresh();
    const daily = path.join(dir, 'daily.csv');
    fs.copyFileSync(fixture('daily-before.csv'), daily);
    expect(await ok(state, ['import', daily])).toMatchObject({ applied: 3 });
    fs.copyFileSync(fixture('daily-after.csv'), daily);
    expect(await ok(state, ['import', daily])).toMatchObject({ read: 5, applied: 2, replayed: 3 });
    const { trades } = await ok(state, ['trades']);
    expect(trades.map((trade: any) => trade.filled)).toEqual([30, 30]);
    expect((await ok(state, ['order', '101'])).order.amount).toBe(40);
  });

  it('reads stdin for -, with batch name stdin and - as the file in problems', async () => {
    const { state } = fresh();
    const csv = fs.readFileSync(fixture('mixed-actions.csv'), 'utf8');
    expect(await ok(state, ['import', '-'], csv)).toMatchObject({ file: '-', batch: 'stdin', applied: 14 });
    expect(await ok(state, ['import', '-'], csv)).toMatchObject({ applied: 0, replayed: 14 });
    const { result, json } = await omsJson(['import', '-'], { state, input: 'order_id,symbol,side,amount,price\n99,A,Buy,x,1\n' });
    expect(result.exitCode).toBe(6);
    expect(json.error.problems).toEqual([{ file: '-', line: 2, field: 'amount', message: '"x" is not a positive whole number' }]);
    expect(result.stderr).toContain('-:2: amount: "x" is not a positive whole number');
  });

  it('prints a one-line summary without --json', async () => {
    const { state } = fresh();
    const result = await oms(['import', fixture('daily-before.csv')], { state });
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout)).toMatch(/^Imported .*daily-before\.csv: 3 rows read, 3 applied, 0 replayed, 0 rejected in \d+\.\d\d s$/);
    expect(String(result.stderr)).not.toContain('\r');
  });
});

describe('oms import: bad files and bad rows', () => {
  it('reports every bad row by line and column, exits 6, and applies none of the good ones', async () => {
    const { state } = fresh();
    await ok(state, ['add', '500', 'KEEP', 'Buy', '1', '1']);
    const before = stateFiles(state);
    const { result, json } = await omsJson(['import', fixture('bad-rows.csv')], { state });
    expect(result.exitCode).toBe(6);
    expect(json.error.code).toBe('CSV_INVALID');
    expect(json.error.message).toBe(`${fixture('bad-rows.csv')}: 23 rows are not valid (of 26); nothing was imported`);
    expect(json.error.problems.map((problem: any) => `${problem.line} ${problem.field}`)).toEqual([
      '3 amount',
      '4 amount',
      '5 price',
      '6 side',
      '7 symbol',
      '8 symbol',
      '9 amount',
      '10 amount',
      '11 price',
      '12 order_id',
      '13 order_id',
      '14 client',
      '15 action',
      '16 amount',
      '17 order_id',
      '18 symbol',
      '19 order_id',
      '20 amount',
      '21 source',
      '23 row',
      '24 symbol',
      '27 op_id',
      '28 source',
    ]);
    expect(json.error.moreProblems).toBe(0);
    expect(json.error.problems[0]).toEqual({ file: fixture('bad-rows.csv'), line: 3, field: 'amount', message: expect.stringContaining('thousands separator') });
    expect(json.error.problems[1].message).toContain('scientific notation');
    expect(result.stderr).toContain(`${fixture('bad-rows.csv')}:17: order_id: order 999 not found: it never existed`);
    expect(stateFiles(state)).toEqual(before);
  });

  it('a bad row at the very end leaves every state file byte for byte as it was', async () => {
    const { state } = fresh();
    await ok(state, ['import', fixture('daily-before.csv')]);
    const before = stateFiles(state);
    const { result, json } = await omsJson(['import', fixture('bad-row-at-end.csv')], { state });
    expect(result.exitCode).toBe(6);
    expect(json.error.problems).toEqual([{ file: fixture('bad-row-at-end.csv'), line: 52, field: 'price', message: expect.stringContaining('"1.5E+2"') }]);
    expect(stateFiles(state)).toEqual(before);
  });

  it('refuses files that are not import files before taking the lock, naming line and reason', async () => {
    const { state } = fresh();
    await ok(state, ['add', '500', 'KEEP', 'Buy', '1', '1']);
    const before = stateFiles(state);
    const cases: [string, number, string, RegExp][] = [
      ['empty.csv', 1, 'header', /file is empty/],
      ['no-header.csv', 1, 'header', /must be a header/],
      ['unknown-column.csv', 1, 'header', /unknown column "qty"/],
      ['missing-columns.csv', 1, 'header', /missing columns side, price/],
      ['windows-1252.csv', 3, 'file', /not UTF-8 text/],
      ['utf16-no-bom.csv', 1, 'file', /without a byte-order mark/],
      ['unclosed-quote.csv', 3, 'csv', /never closed/],
    ];
    for (const [name, line, field, message] of cases) {
      const { result, json } = await omsJson(['import', fixture(name)], { state });
      expect(result.exitCode, name).toBe(6);
      expect(json.error.problems, name).toContainEqual({ file: fixture(name), line, field, message: expect.stringMatching(message) });
    }
    expect(stateFiles(state)).toEqual(before);
  });

  it('usage errors exit 2: a missing file, --op-id, --rejects without --continue-on-error, an empty --batch', async () => {
    const { state, dir } = fresh();
    const cases: [string[], RegExp][] = [
      [['import', path.join(dir, 'nope.csv')], /file: cannot read .*no such file/],
      [['import', dir], /file: cannot read .*directory/],
      [['--op-id', 'x', 'import', fixture('daily-before.csv')], /--op-id does not apply to import/],
      [['import', fixture('daily-before.csv'), '--rejects', path.join(dir, 'r.csv')], /--rejects needs --continue-on-error/],
      [['import', fixture('daily-before.csv'), '--batch', ''], /batch: is empty/],
    ];
    for (const [args, message] of cases) {
      const { result, json } = await omsJson(args, { state });
      expect(result.exitCode, args.join(' ')).toBe(2);
      expect(json.error.message).toMatch(message);
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('oms import: --continue-on-error and --rejects', () => {
  it('applies the good rows, writes the bad ones to a file that imports once fixed, and a rerun of the original recognises them', async () => {
    const { state, dir } = fresh();
    const rejects = path.join(dir, 'rejects.csv');
    const summary = await ok(state, ['import', fixture('some-bad.csv'), '--continue-on-error', '--rejects', rejects]);
    expect(summary).toMatchObject({ read: 6, applied: 3, rejected: 3, rejectsFile: rejects });
    expect(summary.problems.map((problem: any) => `${problem.line} ${problem.field}`)).toEqual(['3 amount', '5 amount', '6 amount']);
    const written = fs.readFileSync(rejects, 'utf8');
    const lines = written.split('\r\n');
    expect(lines[0]).toBe('action,order_id,symbol,side,amount,price,source,client,op_id,error');
    expect(lines[1]).toMatch(/^add,2,JPM,Buy,"1,000",20,'=risky,,,"line 3: amount: ""1,000"" is not a positive whole number; .*"$/);
    expect(lines[2]).toMatch(/^trade,,JPM,Sell,5,,,acme,import:some-bad\.csv:[\w-]{16}:1,line 5: amount: JPM Sell 5: only 0 available$/);
    expect(lines[3]).toMatch(/^add,4,JPM,Buy,abc,21,,,,/);
    expect(lines[4]).toBe('');

    // Fix the rows (the trade needs liquidity, not an edit) and import the rejects file as it is.
    await ok(state, ['add', '9', 'JPM', 'Sell', '10', '30']);
    fs.writeFileSync(rejects, written.replace('"1,000"', '1000').replace(',abc,', ',7,'));
    expect(await ok(state, ['import', rejects])).toMatchObject({ read: 3, applied: 3, rejected: 0 });
    expect((await ok(state, ['order', '2'])).order).toMatchObject({ amount: 1000, source: '=risky' });
    expect((await ok(state, ['order', '9'])).order.amount).toBe(5);

    // The original again: its good rows replay, and so does the trade applied from the rejects file.
    const again = await ok(state, ['import', fixture('some-bad.csv'), '--continue-on-error']);
    expect(again).toMatchObject({ applied: 0, replayed: 4, rejected: 2 });
    expect((await ok(state, ['trades'])).trades).toHaveLength(2);
  });

  it('without --rejects, lists the rejected rows on stderr and still exits 0', async () => {
    const { state } = fresh();
    const result = await oms(['import', fixture('some-bad.csv'), '--continue-on-error'], { state });
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout)).toMatch(/6 rows read, 3 applied, 0 replayed, 3 rejected in/);
    expect(String(result.stderr).split('\n').filter((line) => line.startsWith(fixture('some-bad.csv')))).toEqual([
      expect.stringMatching(/:3: amount: "1,000"/),
      expect.stringMatching(/:5: amount: JPM Sell 5: only 0 available/),
      expect.stringMatching(/:6: amount: "abc"/),
    ]);
  });
});

describe('oms import: dry runs, reruns and the lock', () => {
  it('--dry-run reports what would happen and changes nothing, not even creating a state', async () => {
    const { state, dir } = fresh();
    expect(await ok(state, ['import', '--dry-run', fixture('mixed-actions.csv')])).toMatchObject({ dryRun: true, applied: 14, unchanged: 1 });
    expect(fs.readdirSync(dir)).toEqual([]);
    await ok(state, ['import', fixture('daily-before.csv')]);
    const before = stateFiles(state);
    const result = await oms(['import', '--dry-run', fixture('mixed-actions.csv')], { state });
    expect(String(result.stdout)).toMatch(/^Dry run of .*: 15 rows read, 14 would apply, 0 replayed, 1 unchanged, 0 rejected in .*; nothing changed$/);
    expect((await omsJson(['import', '--dry-run', fixture('bad-row-at-end.csv')], { state })).result.exitCode).toBe(6);
    expect(stateFiles(state)).toEqual(before);
  });

  it('export then import into a fresh state rebuilds the same book, in both conventions', async () => {
    for (const convention of ['document', 'market']) {
      const source = fresh();
      const target = fresh();
      await ok(source.state, ['init', '--convention', convention]);
      await ok(target.state, ['init', '--convention', convention]);
      const csv = [
        'action,order_id,symbol,side,amount,price,source',
        "add,1,JPM,Buy,20,20,'=SUM(1)",
        'add,2,JPM,Buy,10,20,-desk',
        "add,3,JPM,Buy,10,21,'quoted",
        'add,4,JPM,Sell,5,22,"a,b ""c"""',
        'add,5,JPM,Sell,5,22,"  spaced  "',
        'add,6,GOOG,Sell,12,25.125,東京',
        'add,7,GOOG,Buy,3,24,__proto__',
        'modify,1,,,25,,',
        'modify,2,,,4,,',
        'modify,6,,,,25.5,',
        // stdin must end with a line break, or its last row may be cut short (SPEC §12).
        '',
      ].join('\n');
      await ok(source.state, ['import', '-'], csv);
      await ok(source.state, ['--op-id', 't1', 'trade', 'JPM', 'Buy', '3']);
      const exported = path.join(source.dir, 'book.csv');
      await ok(source.state, ['export', 'orders', '--output', exported]);
      await ok(target.state, ['import', exported]);
      expect(withoutTimes((await ok(target.state, ['orders'])).orders)).toEqual(withoutTimes((await ok(source.state, ['orders'])).orders));
      for (const symbol of ['JPM', 'GOOG']) {
        const book = async (state: string) => {
          const view = await ok(state, ['book', symbol, '--orders']);
          for (const level of [...view.buy, ...view.sell]) level.orders = withoutTimes(level.orders);
          return view;
        };
        expect(await book(target.state), `${convention} ${symbol}`).toEqual(await book(source.state));
      }
    }
  });

  it('another command waits for the lock the import holds, and runs after it', async () => {
    const { state } = fresh();
    const importing = execa(process.execPath, [OMS, '--state', state, '--json', 'import', '-'], { reject: false, stdin: 'pipe' });
    importing.stdin?.write('order_id,symbol,side,amount,price\n1,A,Buy,1,10\n');
    await until(() => fs.existsSync(state.replace(/\.json$/, '.lock')), 'the import to take the lock');
    // It waits for as long as the test keeps the import open: its lock wait must outlast its hang guard.
    const lockTimeout = String(Math.ceil((COMMAND_GUARD_MS * 2) / 1000));
    const adding = execa(process.execPath, [OMS, '--state', state, '--json', '--lock-timeout', lockTimeout, 'add', '2', 'A', 'Buy', '1', '11'], { reject: false, timeout: COMMAND_GUARD_MS });
    let waiting = '';
    adding.stderr?.on('data', (chunk: Buffer) => {
      waiting += chunk.toString();
    });
    await until(() => waiting.includes('waiting for the state lock'), 'the add to wait');
    importing.stdin?.end('3,A,Buy,1,12\n');
    const [imported, added] = await Promise.all([importing, adding]);
    expect(imported.exitCode, String(imported.stderr)).toBe(0);
    expect(JSON.parse(String(imported.stdout))).toMatchObject({ applied: 2 });
    expect(added.exitCode, String(added.stderr)).toBe(0);
    const { operations } = await ok(state, ['history']);
    expect(operations.map((operation: any) => [operation.seq, operation.command.orderId])).toEqual([
      [2, 2],
      [1, 3],
      [1, 1],
    ]);
  });

  it('SIGINT while importing exits 130, commits nothing and releases the lock', async () => {
    const { state } = fresh();
    await ok(state, ['add', '500', 'KEEP', 'Buy', '1', '1']);
    const before = stateFiles(state);
    const importing = execa(process.execPath, [OMS, '--state', state, 'import', '-'], { reject: false, stdin: 'pipe' });
    importing.stdin?.write('order_id,symbol,side,amount,price\n1,A,Buy,1,10\n');
    await until(() => fs.existsSync(state.replace(/\.json$/, '.lock')), 'the import to take the lock');
    importing.kill('SIGINT');
    const result = await importing;
    expect(result.exitCode).toBe(130);
    expect(stateFiles(state)).toEqual(before);
  });
});

describe.skipIf(!tmuxAvailable())('oms import: progress on a terminal (tmux)', () => {
  // Rows keep coming until the test stops the feed: once the bar is on
  // screen, and for --quiet once the import has run well past the bar's delay.
  it('draws a progress bar on stderr once the import has run for a moment, then clears it for the summary; none with --quiet', async () => {
    const { state, dir } = fresh();
    const stop = path.join(dir, 'stop');
    const terminal = inTerminal(`${process.execPath} ${FEED_ROWS} ${stop} 1 | ${process.execPath} ${OMS} --state ${state} import -`);
    try {
      await until(() => /importing -: [\d,]+ rows, [\d,]+ rows\/s/.test(terminal.screen()), 'the progress bar');
      fs.writeFileSync(stop, '');
      await until(() => terminal.screen().includes('EXIT='), 'the import to end');
      expect(terminal.screen()).toContain('EXIT=0');
      expect(terminal.screen()).toMatch(/^Imported -: (\d+) rows read, \1 applied, 0 replayed, 0 rejected in [\d.]+ s$/m);
      expect(terminal.screen()).not.toContain('importing -:');
    } finally {
      terminal.close();
    }
    fs.rmSync(stop);
    const quiet = inTerminal(`${process.execPath} ${FEED_ROWS} ${stop} 10000000 | ${process.execPath} ${OMS} --state ${state} --quiet import - --batch again`);
    try {
      await until(() => fs.existsSync(state.replace(/\.json$/, '.lock')), 'the quiet import to take the lock');
      // Twice the bar's one-second delay, counted from when the import was seen running: a floor, not a deadline.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      fs.writeFileSync(stop, '');
      await until(() => quiet.screen().includes('EXIT='), 'the quiet import to end');
      expect(quiet.screen()).toContain('EXIT=0');
      expect(quiet.screen()).toMatch(/^Imported -: (\d+) rows read, \1 applied/m);
      expect(quiet.screen()).not.toContain('importing');
    } finally {
      quiet.close();
    }
  });
});

describe('hostile import input (SPEC §12)', () => {
  it('a producer killed mid-row: its cut-off last row is not imported (exit 6), nor is anything else', async () => {
    const { state, dir } = fresh();
    const producer = path.join(dir, 'producer.sh');
    fs.writeFileSync(producer, "printf 'order_id,symbol,side,amount,price,source\\n1,A,Buy,1,10,desk\\n2,A,Buy,1,10.'\nkill -9 $$\n");
    const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
    const result = await execa('sh', ['-c', `sh ${quote(producer)} | ${quote(process.execPath)} ${quote(OMS)} --state ${quote(state)} --json import -`], { reject: false });
    expect(result.exitCode).toBe(6);
    const { error } = JSON.parse(String(result.stdout));
    expect(error.problems).toEqual([{ file: '-', line: 3, field: 'row', message: expect.stringContaining('cut short') }]);
    expect(JSON.parse(String((await oms(['--json', 'orders'], { state })).stdout)).orders).toEqual([]);
  });

  it('a 100 MB cell on stdin: exit 6 naming the line and the limit, stopped early; nothing imported', async () => {
    const { state } = fresh();
    const importing = execa(process.execPath, [OMS, '--state', state, '--json', 'import', '-'], { reject: false, stdin: 'pipe' });
    importing.stdin?.on('error', () => {});
    importing.stdin?.write('order_id,symbol,side,amount,price,source\n1,A,Buy,1,10,ok\n2,A,Buy,1,10,');
    const block = Buffer.alloc(1 << 20, 'x');
    let written = 0;
    for (; written < 100 && importing.exitCode === null && importing.stdin?.writable; written++) {
      if (!importing.stdin.write(block)) await new Promise((resolve) => importing.stdin?.once('drain', resolve).once('close', resolve));
    }
    importing.stdin?.end();
    const result = await importing;
    expect(result.exitCode).toBe(6);
    const { error } = JSON.parse(String(result.stdout));
    expect(error.problems).toEqual([{ file: '-', line: 3, field: 'csv', message: expect.stringContaining('16384') }]);
    expect(written).toBeLessThan(100);
  });
});
