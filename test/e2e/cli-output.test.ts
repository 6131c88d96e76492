// What the binary prints and where (SPEC §3): results on stdout, notices on
// stderr (silenced by --quiet, errors never), colour only when allowed and
// Buy/Sell coloured distinctly, boxed tables only on a real terminal,
// right-aligned numbers, help and version, and a closed stdout (`| head`)
// that ends the command quietly.

import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCommand } from '../../src/core/commands.js';
import { openStore } from '../../src/store/open.js';
import { COMMAND_GUARD_MS, OMS, ROOT, oms, omsJson, stateFiles, tempState, type TempState } from './helpers.js';

const ANSI = /\u001b\[/;
const COMMANDS = ['init', 'add', 'modify', 'remove', 'price', 'quote', 'trade', 'order', 'book', 'orders', 'trades', 'history', 'import', 'export', 'status', 'doctor', 'serve', 'interactive'];

let shared: TempState;
const others: TempState[] = [];

async function ok(state: string, args: string[]): Promise<any> {
  const result = await oms(['--json', ...args], { state });
  expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return JSON.parse(String(result.stdout));
}

function fresh(): TempState {
  const state = tempState();
  others.push(state);
  return state;
}

beforeAll(async () => {
  shared = tempState();
  for (const order of [
    ['1', 'JPM', 'Buy', '20', '20'],
    ['2', 'GOOG', 'Sell', '12', '25'],
    ['3', 'AMZN', 'Sell', '7', '10'],
    ['4', 'JPM', 'Buy', '10', '21'],
    ['5', 'JPM', 'Sell', '3', '30'],
  ]) {
    await ok(shared.state, ['add', ...order]);
  }
  await ok(shared.state, ['trade', 'GOOG', 'sell', '2', '--client', 'acme']);
  await ok(shared.state, ['quote', 'JPM', 'buy', '5']);
});

afterAll(() => {
  shared.cleanup();
  for (const state of others) state.cleanup();
});

/** Read-only commands whose text output shows both sides. */
const VIEWS = [['book', 'JPM', '--orders'], ['trades'], ['history'], ['status'], ['price', 'JPM', 'buy', '22']];

describe.concurrent('colour', () => {
  // NO_COLOR is tried with FORCE_COLOR set too: if it wins over that, it wins alone.
  it('none when piped, with NO_COLOR=1, --no-color or TERM=dumb (even with FORCE_COLOR), and never in --json', async () => {
    const runs = await Promise.all([
      ...VIEWS.map((args) => oms(args, { state: shared.state })),
      ...VIEWS.map((args) => oms(args, { state: shared.state, env: { NO_COLOR: '1', FORCE_COLOR: '1' } })),
      ...VIEWS.map((args) => oms(['--no-color', ...args], { state: shared.state, env: { FORCE_COLOR: '1' } })),
      ...VIEWS.map((args) => oms(args, { state: shared.state, env: { TERM: 'dumb', FORCE_COLOR: '1' } })),
      ...VIEWS.map((args) => oms(['--json', ...args], { state: shared.state, env: { FORCE_COLOR: '1' } })),
      oms(['order', '99'], { state: shared.state }),
      oms(['order', '99'], { state: shared.state, env: { NO_COLOR: '1', FORCE_COLOR: '1' } }),
    ]);
    for (const run of runs) {
      expect(run.exitCode === 0 || run.exitCode === 3, `${run.command}: ${run.stderr}`).toBe(true);
      expect(run.stdout, run.command).not.toMatch(ANSI);
      expect(run.stderr, run.command).not.toMatch(ANSI);
      expect(String(run.stdout), run.command).not.toMatch(/[┌│└─]/);
    }
  });

  it('FORCE_COLOR=1 turns it on, with Buy and Sell in distinct colours', async () => {
    const book = await oms(['book', 'JPM'], { state: shared.state, env: { FORCE_COLOR: '1' } });
    expect(book.stdout).toMatch(ANSI);
    const buy = /(\u001b\[[\d;]+m)Buy side/.exec(String(book.stdout));
    const sell = /(\u001b\[[\d;]+m)Sell side/.exec(String(book.stdout));
    expect(buy?.[1]).toBeDefined();
    expect(sell?.[1]).toBeDefined();
    expect(buy?.[1]).not.toBe(sell?.[1]);
    const orders = await oms(['orders'], { state: shared.state, env: { FORCE_COLOR: '1' } });
    expect(orders.stdout).toMatch(/\u001b\[[\d;]+mBuy\u001b\[/);
    expect(orders.stdout).toMatch(/\u001b\[[\d;]+mSell\u001b\[/);
    const json = await omsJson(['orders'], { state: shared.state, env: { FORCE_COLOR: '1' } });
    expect(json.json.orders).toHaveLength(5);
  });
});

/** Runs oms under `script`, which gives it a real pseudo-terminal for stdin, stdout and stderr. */
async function onTerminal(args: string[], env: Record<string, string> = {}): Promise<string> {
  const quoted = [process.execPath, OMS, ...args].map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`).join(' ');
  const result = await execa('script', ['-qec', quoted, '/dev/null'], {
    reject: false,
    input: '',
    cwd: ROOT,
    env: { NO_COLOR: undefined, FORCE_COLOR: undefined, OMS_STATE: undefined, TERM: 'xterm-256color', COLORTERM: undefined, ...env },
    extendEnv: true,
    timeout: COMMAND_GUARD_MS,
  });
  expect(result.exitCode, String(result.stdout)).toBe(0);
  return String(result.stdout);
}

const hasScript = fs.existsSync('/usr/bin/script') || fs.existsSync('/bin/script');

describe.skipIf(!hasScript).concurrent('on a real terminal', () => {
  it('colour and boxed tables; NO_COLOR, --no-color and TERM=dumb turn colour off', async () => {
    const [tty, noColor, flag, dumb] = await Promise.all([
      onTerminal(['--state', shared.state, 'orders']),
      onTerminal(['--state', shared.state, 'orders'], { NO_COLOR: '1' }),
      onTerminal(['--state', shared.state, '--no-color', 'orders']),
      onTerminal(['--state', shared.state, 'orders'], { TERM: 'dumb' }),
    ]);
    expect(tty).toMatch(ANSI);
    expect(tty).toMatch(/[┌│└]/);
    const buy = /(\u001b\[[\d;]+m)Buy\u001b/.exec(tty);
    const sell = /(\u001b\[[\d;]+m)Sell\u001b/.exec(tty);
    expect(buy?.[1]).toBeDefined();
    expect(buy?.[1]).not.toBe(sell?.[1]);
    for (const plain of [noColor, flag, dumb]) {
      expect(plain).not.toMatch(ANSI);
      expect(plain).toContain('JPM');
    }
    expect(noColor).toMatch(/[┌│└]/);
    expect(dumb, 'nothing decorative on a dumb terminal').not.toMatch(/[┌│└]/);
  });
});

describe.concurrent('tables', () => {
  it('amounts and prices are right-aligned under their headings', async () => {
    const { stdout } = await oms(['orders'], { state: shared.state });
    const lines = String(stdout).split('\n');
    const header = lines[0]!;
    for (const column of ['Amount', 'Price']) {
      const end = header.indexOf(column) + column.length;
      for (const row of lines.slice(1)) {
        expect(row[end - 1], `${column} in ${JSON.stringify(row)}`).toMatch(/\d/);
        expect(row[end] ?? ' ', `${column} in ${JSON.stringify(row)}`).toBe(' ');
      }
    }
  });
});

describe.concurrent('stdout for results, stderr for notices', () => {
  it('a mutation that creates the state: result on stdout, the notice on stderr, --quiet silences it', async () => {
    const loud = fresh();
    const added = await oms(['add', '1', 'JPM', 'buy', '20', '20'], { state: loud.state });
    expect(added.exitCode).toBe(0);
    expect(added.stdout).toMatch(/^Added order 1: JPM Buy 20 @ 20 \(op [^)]+\)$/);
    expect(added.stderr).toContain(`created a new state at ${loud.state}`);
    expect(fs.statSync(loud.state).mode & 0o777).toBe(0o600);

    const quiet = fresh();
    const silent = await omsJson(['--quiet', 'add', '1', 'JPM', 'buy', '20', '20'], { state: quiet.state });
    expect(silent.result.exitCode).toBe(0);
    expect(silent.result.stderr).toBe('');
    expect(silent.json.order.orderId).toBe(1);
    const replayQuiet = await oms(['-q', 'add', '1', 'JPM', 'buy', '20', '20'], { state: quiet.state });
    expect(replayQuiet.stderr).toBe('');
    expect(replayQuiet.stdout).toMatch(/^Already added order 1/);
  });

  it('a read on a missing state: an empty result on stdout, a notice on stderr, no files created', async () => {
    const { state, dir } = fresh();
    const orders = await oms(['orders'], { state });
    expect(orders.exitCode).toBe(0);
    expect(orders.stdout).toBe('no live orders');
    expect(orders.stderr).toContain(`no state at ${state}`);
    const json = await omsJson(['--quiet', 'orders'], { state });
    expect(json.json).toEqual({ orders: [] });
    expect(json.result.stderr).toBe('');
    expect(await ok(state, ['status'])).toMatchObject({ exists: false, liveOrders: 0 });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('--quiet never silences errors; --json errors go to stdout as one document and to stderr as a line', async () => {
    const quietError = await oms(['--quiet', 'order', '99'], { state: shared.state });
    expect(quietError.exitCode).toBe(3);
    expect(quietError.stdout).toBe('');
    expect(quietError.stderr).toBe('oms: error: order 99 not found');
    const jsonError = await oms(['--json', '--quiet', 'trade', 'JPM', 'buy', '1000'], { state: shared.state });
    expect(jsonError.exitCode).toBe(3);
    expect(JSON.parse(String(jsonError.stdout)).error.code).toBe('INSUFFICIENT_LIQUIDITY');
    expect(String(jsonError.stdout).trim().split('\n')).toHaveLength(1);
    expect(jsonError.stderr).toMatch(/^oms: error: /);
  });

  it('OMS_STATE chooses the state; --state wins over it', async () => {
    const a = fresh();
    const b = fresh();
    await oms(['-q', 'add', '1', 'ENV', 'buy', '1', '1'], { env: { OMS_STATE: a.state } });
    expect((await ok(a.state, ['orders'])).orders).toHaveLength(1);
    await oms(['-q', '--state', b.state, 'add', '2', 'FLAG', 'buy', '1', '1'], { env: { OMS_STATE: a.state } });
    expect((await ok(a.state, ['orders'])).orders.map((o: any) => o.orderId)).toEqual([1]);
    expect((await ok(b.state, ['orders'])).orders.map((o: any) => o.orderId)).toEqual([2]);
  });
});

describe.concurrent('help and version', () => {
  it('--help on every command: a description and examples, exit 0', async () => {
    const runs = await Promise.all(COMMANDS.map((command) => oms([command, '--help'])));
    for (const [i, run] of runs.entries()) {
      const command = COMMANDS[i]!;
      expect(run.exitCode, command).toBe(0);
      const lines = String(run.stdout).split('\n');
      expect(lines[0], command).toMatch(new RegExp(`^Usage: oms ${command}\\b`));
      expect(lines[2]?.trim().length ?? 0, `${command} has a description`).toBeGreaterThan(10);
      expect(run.stdout, command).toMatch(/\nExamples:\n {2}\$ oms /);
      expect(run.stdout, command).toContain(`$ oms `);
    }
  });

  it('oms --help groups the commands; --version prints the package version; bare oms without a terminal: help on stderr, exit 2', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const [help, long, short, bare] = await Promise.all([oms(['--help']), oms(['--version']), oms(['-V']), oms([])]);
    expect(help.exitCode).toBe(0);
    for (const group of ['Orders:', 'Pricing and trading:', 'Looking:', 'Data:', 'State:']) expect(help.stdout).toContain(`\n${group}\n`);
    for (const command of COMMANDS) expect(help.stdout).toMatch(new RegExp(`\\n {2}${command}\\b`));
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toMatch(/Exit codes:/);

    expect(long.exitCode).toBe(0);
    expect(long.stdout).toBe(version);
    expect(short.stdout).toBe(version);

    expect(bare.exitCode).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toMatch(/^Usage: oms/);
    expect(bare.stderr).toContain('add');
  });

  it('global options but no command, without a terminal: exit 2, help on stderr, and --json says what is missing', async () => {
    const { state } = fresh();
    const [plain, json] = await Promise.all([oms(['--state', state]), oms(['--json', '--state', state])]);
    expect(plain.exitCode).toBe(2);
    expect(plain.stdout).toBe('');
    expect(plain.stderr).toMatch(/^Usage: oms/);
    expect(json.exitCode).toBe(2);
    const { error } = JSON.parse(String(json.stdout));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/command/);
    expect(error.message).not.toMatch(/outputHelp/);
  });
});

describe.concurrent('a closed stdout', () => {
  it('`oms orders | head -1` on a few thousand orders exits quietly, exit 0, no stack trace', async () => {
    const { state } = fresh();
    const store = await openStore(state, {});
    try {
      await store.write(
        async (tx) => {
          for (let i = 1; i <= 2500; i++) {
            await tx.execute(addCommand({ orderId: i, symbol: `S${i % 9}`, side: i % 2 ? 'buy' : 'sell', amount: i, price: `${1 + (i % 97)}.125`, source: `desk-${i % 5}` }));
          }
        },
        { atomic: true, bulk: true },
      );
    } finally {
      await store.close();
    }
    const before = stateFiles(state);
    const node = JSON.stringify(process.execPath);
    const bin = `${node} ${JSON.stringify(OMS)} --state ${JSON.stringify(state)}`;
    const pipes = [`${bin} orders | head -1`, `${bin} --json orders | head -c 64`, `${bin} export orders | head -2`];
    const runs = await Promise.all(pipes.map((pipe) => execa('bash', ['-c', `set -o pipefail; ${pipe}`], { reject: false, cwd: ROOT, env: { NO_COLOR: undefined, FORCE_COLOR: undefined } })));
    for (const [i, run] of runs.entries()) {
      expect(run.exitCode, `${pipes[i]}: ${run.stderr}`).toBe(0);
      expect(run.stderr, pipes[i]).toBe('');
      expect(String(run.stdout).length, pipes[i]).toBeGreaterThan(0);
    }
    expect(runs[0]!.stdout).toMatch(/^Order\s+Symbol/);
    expect(runs[2]!.stdout).toMatch(/^action,order_id/);
    expect(stateFiles(state)).toEqual(before);
  });
});
