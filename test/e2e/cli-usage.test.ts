// What a daily user and a script meet at the command line (issue 17): one
// error prefix with a hint at the command's own help, unknown options named
// as such even with no command, --json that never prints anything but JSON,
// `init` again without a convention as a no-op, singular/plural counts, and
// `serve` saying "listening" once.

import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { COMMAND_GUARD_MS, OMS, ROOT, ok, oms, omsJson, stateFiles, useTempStates } from './helpers.js';

const { fresh, documentState } = useTempStates();

describe.concurrent('usage errors', () => {
  it('an unknown option with no command is named as such, in text and --json: exit 2, no help dump', async () => {
    const { state } = fresh();
    for (const flag of ['-v', '--frob']) {
      const [plain, json] = await Promise.all([oms([flag], { state }), oms(['--json', flag], { state })]);
      expect(plain.exitCode, flag).toBe(2);
      expect(plain.stdout).toBe('');
      expect(plain.stderr).toContain(`oms: error: unknown option '${flag}'`);
      expect(plain.stderr).not.toMatch(/Usage:|no command given/);
      expect(json.exitCode, flag).toBe(2);
      expect(JSON.parse(String(json.stdout)).error).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(`unknown option '${flag}'`) });
    }
    expect((await oms(['-v'], { state })).stderr).toContain('Did you mean -V, --version?');
    const typo = await oms(['--jsn'], { state });
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toMatch(/unknown option '--jsn'.*Did you mean --json\?/);
    expect(fs.existsSync(state)).toBe(false);
  });

  it('every usage error has our prefix and points at the command\'s own help', async () => {
    const { state } = fresh();
    const runs = await Promise.all([oms(['ordrs'], { state }), oms(['add', '1', 'X'], { state }), oms(['orders', '--symbl', 'X'], { state }), oms(['--jsn', 'book', 'X'], { state })]);
    const [command, missing, option, global] = runs;
    for (const run of runs) {
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(/^oms: error: /);
      expect(run.stderr).not.toMatch(/^error:/m);
    }
    expect(command!.stderr).toMatch(/unknown command 'ordrs'.*Did you mean orders\?/);
    expect(command!.stderr).toContain('oms --help');
    expect(missing!.stderr).toContain("missing required argument 'side'");
    expect(missing!.stderr).toContain('oms add --help');
    expect(option!.stderr).toContain('oms orders --help');
    expect(global!.stderr).toContain('oms book --help');
  });
});

describe.concurrent('--json means one JSON document', () => {
  it('`export` to stdout with --json refuses with a JSON error (CSV is not JSON); with --output the summary is JSON', async () => {
    const { state, dir } = documentState();
    const refused = await omsJson(['export', 'orders'], { state });
    expect(refused.result.exitCode).toBe(2);
    expect(refused.json.error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'output' });
    expect(refused.json.error.message).toMatch(/--output/);
    const file = path.join(dir, 'out.csv');
    const written = await omsJson(['export', 'orders', '--output', file], { state });
    expect(written.result.exitCode).toBe(0);
    expect(written.json).toMatchObject({ exported: 'orders', rows: 4, file });
    expect((await oms(['export', 'orders'], { state })).stdout).toMatch(/^action,order_id/);
  });
});

describe.concurrent('init', () => {
  it('without --convention on an existing state: a no-op with a notice, exit 0, whatever its convention', async () => {
    const { state } = fresh();
    await ok(state, ['init', '--convention', 'market']);
    await ok(state, ['add', '1', 'JPM', 'buy', '20', '20']);
    const before = stateFiles(state);
    const [plain, json] = await Promise.all([oms(['init'], { state }), omsJson(['init'], { state })]);
    expect(plain.exitCode, String(plain.stderr)).toBe(0);
    expect(plain.stdout).toContain('market convention: a Buy request walks the Sell side');
    expect(json.result.exitCode).toBe(0);
    expect(json.json).toMatchObject({ created: false, convention: 'market' });
    expect(stateFiles(state)).toEqual(before);
    // A convention named that differs is still refused.
    expect((await omsJson(['init', '--convention', 'document'], { state })).result.exitCode).toBe(2);
  });
});

describe('init on an existing state, as a person sees it', () => {
  // stdout and stderr end up on one terminal: that the state already exists is
  // said once (the notice), not once more as the result.
  it.each([[[]], [['--convention', 'market']]])('init %j: "already" once, the convention on stdout, exit 0', async (args: string[]) => {
    const { state } = fresh();
    await ok(state, ['init', '--convention', 'market']);
    const again = await oms(['init', ...args], { state });
    const seen = `stdout: ${String(again.stdout)}\nstderr: ${String(again.stderr)}`;
    expect(again.exitCode, seen).toBe(0);
    expect(seen.match(/already/g), seen).toHaveLength(1);
    expect(String(again.stderr), seen).toContain('already exists with convention market; nothing changed');
    expect(String(again.stdout), seen).toContain('market convention: a Buy request walks the Sell side');
  });
});

describe.concurrent('grammar', () => {
  it('one of a thing is singular: 1 row read, 1 live order, 1 order exported', async () => {
    const { state, dir } = fresh();
    const csv = path.join(dir, 'one.csv');
    fs.writeFileSync(csv, 'order_id,symbol,side,amount,price\n1,JPM,buy,20,20\n');
    const imported = await oms(['import', csv], { state });
    expect(imported.stdout).toMatch(/\b1 row read\b/);
    const doctor = await oms(['doctor'], { state });
    expect(doctor.stdout).toMatch(/\b1 live order\b/);
    expect(doctor.stdout).not.toMatch(/\b1 (live orders|operations)\b/);
    const exported = await oms(['export', 'orders', '--output', path.join(dir, 'out.csv')], { state });
    expect(exported.stdout).toMatch(/Exported 1 order\b/);
  });

  it('doctor says which count is the snapshot\'s and which is the state now', async () => {
    const { state } = documentState();
    const doctor = await oms(['doctor'], { state });
    expect(doctor.exitCode).toBe(0);
    const snapshot = String(doctor.stdout).split('\n').find((line) => /snapshot:/.test(line))!;
    expect(snapshot).toMatch(/snapshot: .*(in the snapshot|as of operation)/);
    expect(doctor.stdout).toMatch(/healthy: .*live orders? now/);
  });
});

describe.concurrent('serve', () => {
  it('logs "listening" once; its summary counts 1 request in the singular', async () => {
    const { state } = fresh();
    const child = execa(process.execPath, [OMS, '--state', state, 'serve', '--port', '0'], { reject: false, cwd: ROOT, timeout: COMMAND_GUARD_MS });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('"msg":"listening"')) resolve();
      });
      child.once('exit', () => reject(new Error(`serve exited: ${stderr}`)));
    });
    const url = /"url":"([^"]+)"/.exec(stderr)![1]!;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(String(result.stderr).match(/listening/gi) ?? []).toHaveLength(1);
    expect(result.stdout).toMatch(/after 1 request;/);
  });
});

describe.concurrent('the convention, said where it matters', () => {
  it('on creation (by init or by the first change), naming it and how to get the other', async () => {
    const [byInit, byAdd] = [fresh(), fresh()];
    const init = await oms(['init'], { state: byInit.state });
    expect(init.stdout).toContain('document convention: a Buy request walks the Buy side');
    expect(init.stdout).toContain('init --convention market');
    const add = await oms(['add', '1', 'JPM', 'buy', '20', '20'], { state: byAdd.state });
    expect(add.exitCode).toBe(0);
    expect(add.stderr).toMatch(/created a new state at .* with the document convention .*init --convention market/);
  });

  it('in status, book, price and --help', async () => {
    const { state } = documentState();
    const [status, book, price, help, initHelp] = await Promise.all([
      oms(['status'], { state }),
      oms(['book', 'JPM'], { state }),
      oms(['price', 'JPM', 'buy', '22'], { state }),
      oms(['--help']),
      oms(['init', '--help']),
    ]);
    expect(status.stdout).toMatch(/^Convention\s+document \(a Buy request walks the Buy side, a Sell request the Sell side\)$/m);
    expect(book.stdout).toContain('Buy side (lowest price first; what a Buy request walks)');
    expect(price.stdout).toContain('JPM Buy 22 (document convention: walks the Buy side)');
    for (const run of [help, initHelp]) expect(run.stdout).toMatch(/Conventions .*\n\s+document \(default\)\s+a Buy request walks the Buy side/);
  });
});

describe.concurrent('typos said plainly (exit codes unchanged)', () => {
  it('book and price of a symbol the state has no book for; a read of a missing state', async () => {
    const { state } = documentState();
    const [book, price, json] = await Promise.all([oms(['book', 'JMP'], { state }), oms(['price', 'JMP', 'buy', '1'], { state }), omsJson(['book', 'JMP'], { state })]);
    expect(book.exitCode).toBe(0);
    expect(book.stderr).toContain(`no book for JMP in ${state} (symbols there: AMZN, GOOG, JPM)`);
    expect(price.exitCode).toBe(3);
    expect(price.stderr).toContain('no book for JMP');
    expect(json.json).toEqual({ symbol: 'JMP', convention: 'document', bestBid: null, bestAsk: null, spread: null, buy: [], sell: [] });
    const missing = fresh();
    const orders = await oms(['orders'], { state: missing.state });
    expect(orders.exitCode).toBe(0);
    expect(orders.stderr).toContain(`no state at ${missing.state}`);
  });
});

describe.concurrent('spreadsheet imports', () => {
  it('"Order ID" headers, --ignore-columns and --decimal-comma from the command line', async () => {
    const { state, dir } = fresh();
    const file = path.join(dir, 'sheet.csv');
    fs.writeFileSync(file, '\ufeffOrder ID;Symbol;Side;Amount;Price;Trader Notes\r\n1;JPM;Buy;20;25,125;call back\r\n');
    const refused = await omsJson(['import', file], { state });
    expect(refused.result.exitCode).toBe(6);
    expect(refused.json.error.problems.map((problem: { message: string }) => problem.message).join('\n')).toMatch(/--ignore-columns/);
    const imported = await omsJson(['import', file, '--ignore-columns', 'trader notes', '--decimal-comma'], { state });
    expect(imported.result.exitCode, String(imported.result.stderr)).toBe(0);
    expect(imported.json).toMatchObject({ read: 1, applied: 1 });
    expect((await ok(state, ['order', '1'])).order).toMatchObject({ price: '25.125', amount: 20 });
  });
});
