// SPEC §6 through the binary: each bad input gets exit 2 (usage/argument),
// 3 (domain) or 4 (state), a one-line message naming the field and the value,
// `field` in the JSON error, and leaves every state file byte-identical.
// Names such as __proto__ are refused as symbols but kept exactly as text.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeJson } from '../../src/core/text.js';
import { oms, omsJson, stateFiles, tempState, type TempState } from './helpers.js';

let seeded: TempState;
let baseline: Record<string, string>;
const copies: TempState[] = [];

async function ok(state: string, args: string[]): Promise<any> {
  const result = await oms(['--json', ...args], { state });
  expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return JSON.parse(String(result.stdout));
}

beforeAll(async () => {
  seeded = tempState();
  for (const order of [
    ['1', 'JPM', 'Buy', '20', '20'],
    ['2', 'GOOG', 'Sell', '12', '25'],
    ['3', 'AMZN', 'Sell', '7', '10'],
    ['4', 'JPM', 'Buy', '10', '21'],
  ]) {
    await ok(seeded.state, ['add', ...order]);
  }
  await ok(seeded.state, ['quote', 'JPM', 'buy', '5']);
  baseline = stateFiles(seeded.state);
});

afterAll(() => {
  seeded.cleanup();
  for (const copy of copies) copy.cleanup();
});

/** A private copy of the seeded state, so each case is judged on its own files. */
function copyOfSeeded(): string {
  const copy = tempState();
  copies.push(copy);
  fs.cpSync(seeded.dir, copy.dir, { recursive: true });
  return copy.state;
}

interface BadInput {
  why: string;
  args: string[];
  field: string;
  /** The offending value as given; checked in the message and in `value`. */
  value?: string;
  exit?: number;
  code?: string;
  /** Also run without --json and check the stderr line (a sample of cases: every spawn costs). */
  text?: boolean;
}

const MAX_PLUS_ONE = '9007199254740992';
const LONG_SYMBOL = 'ABCDEFGHIJKLMNOPQ';
const LONG_TEXT = 'x'.repeat(65);
const LONG_OP_ID = 'o'.repeat(129);

const BAD_INPUTS: BadInput[] = [
  { why: 'non-numeric amount', args: ['add', '5', 'JPM', 'buy', 'ten', '20'], field: 'amount', value: 'ten', text: true },
  { why: 'negative amount', args: ['add', '5', 'JPM', 'buy', '-5', '20'], field: 'amount', value: '-5' },
  { why: 'zero amount', args: ['add', '5', 'JPM', 'buy', '0', '20'], field: 'amount', value: '0' },
  { why: 'fractional amount', args: ['add', '5', 'JPM', 'buy', '1.5', '20'], field: 'amount', value: '1.5' },
  { why: 'amount with a thousands separator', args: ['add', '5', 'JPM', 'buy', '1,000', '20'], field: 'amount', value: '1,000' },
  { why: 'amount with a sign', args: ['add', '5', 'JPM', 'buy', '+5', '20'], field: 'amount', value: '+5' },
  { why: 'amount in non-ASCII digits', args: ['add', '5', 'JPM', 'buy', '５', '20'], field: 'amount', value: '５' },
  { why: 'amount beyond 2^53-1', args: ['add', '5', 'JPM', 'buy', MAX_PLUS_ONE, '20'], field: 'amount', value: MAX_PLUS_ONE, text: true },
  { why: 'amount far beyond 2^53-1', args: ['trade', 'JPM', 'buy', '1'.repeat(30)], field: 'amount', value: '1'.repeat(30) },
  { why: 'non-numeric price', args: ['add', '5', 'JPM', 'buy', '1', 'abc'], field: 'price', value: 'abc' },
  { why: 'negative price', args: ['add', '5', 'JPM', 'buy', '1', '-20'], field: 'price', value: '-20' },
  { why: 'zero price', args: ['add', '5', 'JPM', 'buy', '1', '0.000'], field: 'price', value: '0.000' },
  { why: 'too many decimals', args: ['add', '5', 'JPM', 'buy', '1', '20.123456789'], field: 'price', value: '20.123456789', text: true },
  { why: 'exponent price', args: ['add', '5', 'JPM', 'buy', '1', '2e1'], field: 'price', value: '2e1', text: true },
  { why: 'negative exponent price', args: ['add', '5', 'JPM', 'buy', '1', '1E-3'], field: 'price', value: '1E-3' },
  { why: 'price with spaces', args: ['add', '5', 'JPM', 'buy', '1', ' 20'], field: 'price', value: ' 20' },
  { why: 'price with a thousands separator', args: ['add', '5', 'JPM', 'buy', '1', '1,000.5'], field: 'price', value: '1,000.5' },
  { why: 'price beyond the largest', args: ['add', '5', 'JPM', 'buy', '1', '90071992.54740992'], field: 'price', value: '90071992.54740992' },
  { why: 'modify to an exponent price', args: ['modify', '1', '--price', '1e2'], field: 'price', value: '1e2' },
  { why: 'modify to a negative amount', args: ['modify', '1', '--amount', '-1'], field: 'amount', value: '-1' },
  { why: 'order id beyond 2^53-1', args: ['add', MAX_PLUS_ONE, 'JPM', 'buy', '1', '20'], field: 'orderId', value: MAX_PLUS_ONE, text: true },
  { why: 'order id zero', args: ['add', '0', 'JPM', 'buy', '1', '20'], field: 'orderId', value: '0' },
  { why: 'non-numeric order id', args: ['remove', 'abc'], field: 'orderId', value: 'abc' },
  { why: 'order id beyond 2^53-1 to look up', args: ['order', MAX_PLUS_ONE], field: 'orderId', value: MAX_PLUS_ONE },
  { why: 'unknown side', args: ['add', '5', 'JPM', 'hold', '1', '20'], field: 'side', value: 'hold', text: true },
  { why: 'unknown side to price', args: ['price', 'JPM', 'bid', '1'], field: 'side', value: 'bid' },
  { why: 'unknown side filter', args: ['orders', '--side', 'x'], field: 'side', value: 'x' },
  { why: 'empty symbol', args: ['add', '5', '', 'buy', '1', '20'], field: 'symbol', value: '', text: true },
  { why: 'over-long symbol', args: ['add', '5', LONG_SYMBOL, 'buy', '1', '20'], field: 'symbol', value: LONG_SYMBOL, text: true },
  { why: 'symbol with a space', args: ['quote', 'J M', 'buy', '1'], field: 'symbol', value: 'J M' },
  { why: 'symbol starting with a dot', args: ['orders', '--symbol', '.JPM'], field: 'symbol', value: '.JPM' },
  { why: 'non-ASCII symbol', args: ['add', '5', 'ÄBC', 'buy', '1', '20'], field: 'symbol', value: 'ÄBC' },
  { why: '__proto__ as a symbol', args: ['add', '5', '__proto__', 'buy', '1', '20'], field: 'symbol', value: '__proto__', text: true },
  { why: 'constructor as a symbol', args: ['add', '5', 'constructor', 'buy', '1', '20'], field: 'symbol', value: 'constructor' },
  { why: 'prototype as a symbol to price', args: ['price', 'prototype', 'buy', '1'], field: 'symbol', value: 'prototype' },
  { why: 'a control character in a symbol', args: ['add', '5', 'JP\nM', 'buy', '1', '20'], field: 'symbol', value: 'JP\nM' },
  { why: 'a control character in a source', args: ['add', '5', 'JPM', 'buy', '1', '20', '--source', 'desk\u0007a'], field: 'source', value: 'desk\u0007a', text: true },
  { why: 'an escape sequence in a client', args: ['quote', 'JPM', 'buy', '1', '--client', '\u001b[31mred'], field: 'client', value: '\u001b[31mred', text: true },
  { why: 'a newline in a client', args: ['trade', 'JPM', 'buy', '1', '--client', 'a\nb'], field: 'client', value: 'a\nb' },
  { why: 'a line separator in a source', args: ['add', '5', 'JPM', 'buy', '1', '20', '--source', 'a\u2028b'], field: 'source', value: 'a\u2028b' },
  { why: 'over-long source', args: ['add', '5', 'JPM', 'buy', '1', '20', '--source', LONG_TEXT], field: 'source', value: LONG_TEXT },
  { why: 'over-long client', args: ['quote', 'JPM', 'buy', '1', '--client', LONG_TEXT], field: 'client', value: LONG_TEXT },
  { why: 'a control character in an op id', args: ['--op-id', 'a\tb', 'add', '5', 'JPM', 'buy', '1', '20'], field: 'op-id', value: 'a\tb' },
  { why: 'a reserved op id (a stored quote trade)', args: ['--op-id', 'quote:1', 'add', '5', 'JPM', 'buy', '1', '20'], field: 'op-id', value: 'quote:1', text: true },
  { why: 'a reserved op id (an import row)', args: ['--op-id', 'import:x.csv:AAAAAAAAAAAAAAAA:1', 'remove', '1'], field: 'op-id', value: 'import:x.csv:AAAAAAAAAAAAAAAA:1' },
  { why: 'a C1 control in a source', args: ['add', '5', 'JPM', 'buy', '1', '20', '--source', 'a\u0085\u009b31mb'], field: 'source', value: 'a\u0085\u009b31mb', text: true },
  { why: 'a bidi override in a client', args: ['quote', 'JPM', 'buy', '1', '--client', 'evil\u202etxt.exe'], field: 'client', value: 'evil\u202etxt.exe', text: true },
  { why: 'over-long op id', args: ['--op-id', LONG_OP_ID, 'add', '5', 'JPM', 'buy', '1', '20'], field: 'op-id', value: LONG_OP_ID },
  { why: 'zero ttl', args: ['quote', 'JPM', 'buy', '1', '--ttl', '0'], field: 'ttl', value: '0' },
  { why: 'non-numeric ttl', args: ['quote', 'JPM', 'buy', '1', '--ttl', '1m'], field: 'ttl', value: '1m' },
  { why: 'zero depth', args: ['book', 'JPM', '--depth', '0'], field: 'depth', value: '0' },
  { why: 'non-numeric limit', args: ['trades', '--limit', 'all'], field: 'limit', value: 'all' },
  { why: 'negative history limit', args: ['history', '--limit', '-1'], field: 'limit', value: '-1' },
  { why: 'non-numeric lock timeout', args: ['--lock-timeout', 'soon', 'add', '5', 'JPM', 'buy', '1', '20'], field: 'lock-timeout', value: 'soon', text: true },
  { why: 'unknown convention', args: ['init', '--convention', 'weird'], field: 'convention' },
  { why: 'a missing argument', args: ['add', '5', 'JPM', 'buy', '1'], field: 'price' },
  { why: 'a duplicate order id', args: ['add', '1', 'JPM', 'buy', '2', '20'], field: 'orderId', value: '1', exit: 3, code: 'DUPLICATE_ORDER_ID', text: true },
  { why: 'an unknown order', args: ['modify', '99', '--amount', '1'], field: 'orderId', value: '99', exit: 3, code: 'ORDER_NOT_FOUND' },
  { why: 'more than the book holds', args: ['trade', 'JPM', 'buy', '31'], field: 'amount', value: '31', exit: 3, code: 'INSUFFICIENT_LIQUIDITY', text: true },
];

/** How a message may show a value: JSON-quoted, so control characters (C1, U+2028 and bidi too) appear escaped. */
function shownStart(value: string): string {
  return safeJson(value.slice(0, 16)).slice(0, -1);
}

describe('SPEC §6 bad inputs', () => {
  it.concurrent.each(BAD_INPUTS)('$why: field $field named, state untouched', async ({ args, field, value, exit = 2, code = 'INVALID_ARGUMENT', text }) => {
    const state = copyOfSeeded();
    // One after the other: run at once, a writer would wait for the other's lock and say so on stderr.
    const withJson = await oms(['--json', ...args], { state });
    const plain = text ? await oms(args, { state }) : undefined;

    expect(withJson.exitCode, String(withJson.stderr)).toBe(exit);
    const { error } = JSON.parse(String(withJson.stdout));
    expect(error.code).toBe(code);
    expect(error.field).toBe(field);
    // A domain rejection names the value in its own words ("order 99 not found").
    if (exit === 2) expect(error.message).toContain(field);
    expect(error.message).not.toMatch(/[\p{Cc}\u2028\u2029\u202a-\u202e]/u);
    expect(String(withJson.stdout).trimEnd()).not.toMatch(/[\p{Cc}\u2028\u2029\u202a-\u202e]/u);
    if (value !== undefined) {
      expect(error.message).toContain(exit === 2 ? shownStart(value) : value);
      if (value.length <= 64) expect(error.value).toBe(value);
    }

    if (plain) {
      expect(plain.exitCode, String(plain.stderr)).toBe(exit);
      expect(plain.stdout).toBe('');
      expect(plain.stderr).toBe(`oms: error: ${error.message}`);
    }

    expect(stateFiles(state)).toEqual(baseline);
  });

  it('a state path that is a directory: STATE_IO, exit 4, nothing created in it', async () => {
    const { dir, cleanup } = tempState();
    try {
      const state = path.join(dir, 'desk.json');
      fs.mkdirSync(state);
      const { result, json } = await omsJson(['add', '1', 'JPM', 'buy', '1', '1'], { state });
      expect(result.exitCode).toBe(4);
      expect(json.error.code).toBe('STATE_IO');
      expect(json.error.message).toContain(state);
      expect(fs.readdirSync(state)).toEqual([]);
      expect(fs.readdirSync(dir)).toEqual(['desk.json']);
    } finally {
      cleanup();
    }
  });
});

describe('edge values that are fine', () => {
  it('canonical forms: any-case symbols and sides, .5, trailing zeros beyond 8 digits, 2^53-1', async () => {
    const state = copyOfSeeded();
    expect((await ok(state, ['add', '10', 'a.b_c-1', 'S', '1', '.5'])).order).toMatchObject({ symbol: 'A.B_C-1', side: 'Sell', price: '0.5' });
    expect((await ok(state, ['add', '11', 'A.B_C-1', 'sElL', '9007199254740991', '20.500000000000'])).order).toMatchObject({ amount: 9007199254740991, price: '20.5' });
    expect((await ok(state, ['add', '9007199254740991', 'Z9', 'b', '1', '0.00000001'])).order).toMatchObject({ orderId: 9007199254740991, side: 'Buy', price: '0.00000001' });
    expect((await ok(state, ['order', '9007199254740991'])).status).toBe('live');
  });

  it('__proto__, constructor and friends as --source / --client are stored and shown exactly', async () => {
    const state = copyOfSeeded();
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
    for (const [i, name] of names.entries()) {
      const added = await ok(state, ['add', String(20 + i), 'OBJ', 'sell', '1', String(10 + i), '--source', name]);
      expect(added.order.source).toBe(name);
    }
    const orders = (await ok(state, ['orders', '--symbol', 'OBJ'])).orders;
    expect(orders.map((o: any) => o.source).sort()).toEqual([...names].sort());
    const table = String((await oms(['orders', '--symbol', 'OBJ'], { state })).stdout);
    for (const name of names) expect(table).toMatch(new RegExp(`\\s${name}\\s`));

    const quote = await ok(state, ['quote', 'OBJ', 'sell', '1', '--client', 'constructor']);
    expect(quote.client).toBe('constructor');
    const trade = await ok(state, ['trade', 'OBJ', 'sell', '1', '--client', '__proto__']);
    expect(trade.trade.client).toBe('__proto__');
    await ok(state, ['trade', 'OBJ', 'sell', '1', '--client', 'toString']);
    const mine = await ok(state, ['trades', '--client', '__proto__']);
    expect(mine.trades.map((t: any) => t.tradeId)).toEqual([trade.trade.tradeId]);
    expect((await ok(state, ['trades', '--client', 'valueOf'])).trades).toEqual([]);
    expect(String((await oms(['trades'], { state })).stdout)).toMatch(/\s__proto__\s/);
    expect(String((await oms(['export', 'trades'], { state })).stdout)).toMatch(/,__proto__,/);
    expect(String((await oms(['export', 'orders'], { state })).stdout)).toMatch(/,constructor\r?\n|,constructor$/);
    // The same text as a source replays as the same order.
    expect((await ok(state, ['add', '21', 'OBJ', 'sell', '1', '11', '--source', 'constructor'])).replayed).toBe(true);
  });
});
