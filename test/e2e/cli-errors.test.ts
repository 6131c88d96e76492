// Every error code and exit code of SPEC §3 that the command line can
// produce (STATE_LOCKED and INTERRUPTED live in cli-signals): the JSON error
// document, the one-line message on stderr, and a state left exactly as it was.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SLACK } from '../pace.js';
import { PACE, ok, oms, omsJson, stateFiles, useTempStates } from './helpers.js';

const { fresh, documentState } = useTempStates();

/**
 * Runs the command with --json and without: both must fail with `exit` and
 * `code`; the JSON is one document on stdout, the text run prints nothing on
 * stdout and one `oms: error:` line on stderr. Returns the JSON error.
 */
async function rejects(state: string, args: string[], code: string, exit: number): Promise<any> {
  const [withJson, plain] = await Promise.all([oms(['--json', ...args], { state }), oms(args, { state })]);
  expect(withJson.exitCode, `${args.join(' ')}: ${withJson.stderr}`).toBe(exit);
  const { error } = JSON.parse(String(withJson.stdout));
  expect(error.code).toBe(code);
  expect(typeof error.message).toBe('string');
  expect(error.message).not.toContain('\n');
  expect(plain.exitCode).toBe(exit);
  expect(plain.stdout).toBe('');
  expect(plain.stderr).toContain(`oms: error: ${error.message}`);
  expect(String(plain.stderr)).not.toMatch(/\n\s+at /);
  return error;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A quote's --ttl that outlasts the next command (which trades it) at this
 * machine's pace, and no more: the test then sleeps until it has expired.
 */
const TTL_FOR_ONE_COMMAND = String(Math.max(2, Math.ceil((PACE.commandMs * SLACK * 2) / 1000)));

describe.concurrent('rejected by the order manager: exit 3, nothing changes', () => {
  it('ORDER_NOT_FOUND, DUPLICATE_ORDER_ID, INSUFFICIENT_LIQUIDITY (with available), QUOTE_NOT_FOUND, OP_ID_CONFLICT', async () => {
    const { state } = documentState();
    await ok(state, ['remove', '3']);
    await ok(state, ['--op-id', 'job-1', 'add', '5', 'JPM', 'sell', '1', '30']);
    const before = stateFiles(state);

    const never = await rejects(state, ['modify', '99', '--amount', '1'], 'ORDER_NOT_FOUND', 3);
    expect(never).toMatchObject({ field: 'orderId', value: '99' });
    expect(never.message).toContain('99');
    expect((await rejects(state, ['remove', '99'], 'ORDER_NOT_FOUND', 3)).message).toMatch(/never existed/);
    expect((await rejects(state, ['order', '99'], 'ORDER_NOT_FOUND', 3)).field).toBe('orderId');
    const gone = await rejects(state, ['modify', '3', '--price', '11'], 'ORDER_NOT_FOUND', 3);
    expect(gone.message).toMatch(/removed/);

    const duplicate = await rejects(state, ['add', '1', 'JPM', 'buy', '21', '20'], 'DUPLICATE_ORDER_ID', 3);
    expect(duplicate).toMatchObject({ field: 'orderId', value: '1' });
    // Order ids are never reused, even once the order is gone.
    await rejects(state, ['add', '3', 'AMZN', 'sell', '7', '11'], 'DUPLICATE_ORDER_ID', 3);

    for (const args of [
      ['price', 'JPM', 'buy', '31'],
      ['quote', 'JPM', 'buy', '31'],
      ['trade', 'JPM', 'buy', '31'],
    ]) {
      const short = await rejects(state, args, 'INSUFFICIENT_LIQUIDITY', 3);
      expect(short.available).toBe('30');
      expect(short.message).toContain('30');
    }
    expect((await rejects(state, ['trade', 'NOPE', 'sell', '1'], 'INSUFFICIENT_LIQUIDITY', 3)).available).toBe('0');

    const noQuote = await rejects(state, ['trade', '--quote', '42'], 'QUOTE_NOT_FOUND', 3);
    expect(noQuote.message).toContain('42');

    const conflict = await rejects(state, ['--op-id', 'job-1', 'add', '6', 'JPM', 'sell', '1', '30'], 'OP_ID_CONFLICT', 3);
    expect(conflict.message).toContain('job-1');
    await rejects(state, ['--op-id', 'job-1', 'trade', 'JPM', 'buy', '1'], 'OP_ID_CONFLICT', 3);

    expect(stateFiles(state)).toEqual(before);
  });

  it('QUOTE_USED, QUOTE_EXPIRED, PRICE_MOVED, checked in that order', async () => {
    const { state } = documentState();
    // Traded at once, before it expires.
    const used = await ok(state, ['quote', 'JPM', 'buy', '5', '--ttl', TTL_FOR_ONE_COMMAND]);
    await ok(state, ['trade', '--quote', String(used.quoteId)]);
    const expiring = await ok(state, ['quote', 'JPM', 'buy', '2', '--ttl', '1']);
    // Must not expire before it is traded, however slow the machine.
    const moving = await ok(state, ['quote', 'JPM', 'buy', '22', '--ttl', '3600']);

    // The book moves under both open quotes.
    await ok(state, ['modify', '1', '--price', '19']);
    const before = stateFiles(state);
    const movedError = await rejects(state, ['trade', '--quote', String(moving.quoteId)], 'PRICE_MOVED', 3);
    expect(movedError.message).toContain(String(moving.quoteId));
    // Another op id on an executed quote: it executes at most once.
    const usedError = await rejects(state, ['--op-id', 'again', 'trade', '--quote', String(used.quoteId)], 'QUOTE_USED', 3);
    expect(usedError.message).toMatch(/already executed/);

    // Wait until both short quotes are past their expiry.
    const expiry = Math.max(Date.parse(used.expiresAt), Date.parse(expiring.expiresAt));
    await sleep(Math.max(0, expiry - Date.now()) + 100);
    // Expired and moved: expiry is reported first.
    const expiredError = await rejects(state, ['trade', '--quote', String(expiring.quoteId)], 'QUOTE_EXPIRED', 3);
    expect(expiredError.message).toContain('expired');
    // Used and expired: used is reported first.
    await rejects(state, ['--op-id', 'again', 'trade', '--quote', String(used.quoteId)], 'QUOTE_USED', 3);
    expect(stateFiles(state)).toEqual(before);
    // Rerunning the trade of a used quote under its natural op id is a replay.
    expect(await ok(state, ['trade', '--quote', String(used.quoteId)])).toMatchObject({ replayed: true, opId: `quote:${used.quoteId}` });
  });
});

describe.concurrent('state unusable: exit 4, files untouched', () => {
  it('STATE_CORRUPT: a garbage snapshot is named, never overwritten, for readers and writers alike', async () => {
    const { state, dir } = fresh();
    fs.writeFileSync(state, '{"oms":"state","schema":1,garbage\n');
    const before = stateFiles(state);
    for (const args of [['orders'], ['add', '1', 'JPM', 'buy', '1', '1'], ['status'], ['book', 'JPM']]) {
      const error = await rejects(state, args, 'STATE_CORRUPT', 4);
      expect(error.message).toContain(state);
      expect(error.file).toBe(state);
    }
    expect(stateFiles(state)).toEqual(before);
    expect(fs.readdirSync(dir)).toEqual([path.basename(state)]);
    const doctor = await omsJson(['doctor'], { state });
    expect(doctor.result.exitCode).toBe(4);
    expect(doctor.json.healthy).toBe(false);
    const doctorText = await oms(['doctor'], { state });
    expect(doctorText.exitCode).toBe(4);
    expect(doctorText.stdout).toContain(state);
    // Each place is said once.
    expect(doctorText.stdout).not.toMatch(/\(line \d+\) \(line \d+\)/);
    expect(stateFiles(state)).toEqual(before);
  });

  it('STATE_IO: a state path that is a directory, or in a directory that does not exist', async () => {
    const { dir } = fresh();
    const asDirectory = path.join(dir, 'state.json');
    fs.mkdirSync(asDirectory);
    for (const args of [['add', '1', 'JPM', 'buy', '1', '1'], ['orders']]) {
      const error = await rejects(asDirectory, args, 'STATE_IO', 4);
      expect(error.message).toContain(asDirectory);
    }
    expect(fs.readdirSync(asDirectory)).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual(['state.json']);
    const missingDir = path.join(dir, 'no', 'such', 'dir', 'state.json');
    const error = await rejects(missingDir, ['add', '1', 'JPM', 'buy', '1', '1'], 'STATE_IO', 4);
    expect(error.message).toContain(path.join(dir, 'no', 'such', 'dir'));
    expect(fs.existsSync(path.join(dir, 'no'))).toBe(false);
  });
});

describe.concurrent('usage: exit 2', () => {
  it('unknown command or option: exit 2 with the closest match suggested', async () => {
    const { state } = fresh();
    const command = await oms(['ordrs'], { state });
    expect(command.exitCode).toBe(2);
    expect(command.stdout).toBe('');
    expect(command.stderr).toMatch(/unknown command 'ordrs'/);
    expect(command.stderr).toMatch(/Did you mean orders\?/);

    const option = await oms(['orders', '--symbl', 'JPM'], { state });
    expect(option.exitCode).toBe(2);
    expect(option.stderr).toMatch(/unknown option '--symbl'/);
    expect(option.stderr).toMatch(/Did you mean --symbol\?/);

    const globalOption = await oms(['--jsn', 'orders'], { state });
    expect(globalOption.exitCode).toBe(2);
    expect(globalOption.stderr).toMatch(/Did you mean --json\?/);

    const asJson = await omsJson(['orders', '--sid', 'buy'], { state });
    expect(asJson.result.exitCode).toBe(2);
    expect(asJson.json.error.code).toBe('INVALID_ARGUMENT');
    expect(asJson.json.error.message).toMatch(/unknown option '--sid'.*--side/);
    const unknownJson = await omsJson(['frobnicate'], { state });
    expect(unknownJson.result.exitCode).toBe(2);
    expect(unknownJson.json.error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(fs.existsSync(state)).toBe(false);
  });

  it('missing or extra arguments, a bad choice: INVALID_ARGUMENT, exit 2, the argument named', async () => {
    const { state } = fresh();
    const missing = await omsJson(['add', '1', 'JPM', 'buy', '20'], { state });
    expect(missing.result.exitCode).toBe(2);
    expect(missing.json.error.code).toBe('INVALID_ARGUMENT');
    // (`field` for a missing argument is checked with the other bad inputs, in cli-bad-input.)
    expect(missing.json.error.message).toContain('price');

    const extra = await omsJson(['add', '1', 'JPM', 'buy', '20', '20', '21'], { state });
    expect(extra.result.exitCode).toBe(2);
    expect(extra.json.error.code).toBe('INVALID_ARGUMENT');

    const choice = await omsJson(['export', 'quotes'], { state });
    expect(choice.result.exitCode).toBe(2);
    expect(choice.json.error.message).toContain('quotes');

    const neither = await omsJson(['modify', '1'], { state });
    expect(neither.result.exitCode).toBe(2);
    expect(neither.json.error.code).toBe('INVALID_ARGUMENT');
    expect(neither.json.error.message).toMatch(/--amount.*--price/);

    const tradeBoth = await omsJson(['trade', 'JPM', 'buy', '1', '--quote', '1'], { state });
    expect(tradeBoth.result.exitCode).toBe(2);
    expect(tradeBoth.json.error.field).toBe('quote');
    expect(fs.existsSync(state)).toBe(false);
  });
});
