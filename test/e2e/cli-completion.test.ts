// Shell completion and help topics (issue 17): `oms completion bash` gives a
// script that bash loads and that completes commands, options, option values,
// and symbols and order ids read from the state named on the line; zsh and
// fish get theirs; `oms help <topic>` prints the reference topics.

import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { OMS, ROOT, oms, omsJson, useTempStates } from './helpers.js';

const { fresh, documentState } = useTempStates();

/** Runs the bash completion for a command line (the last word is being completed). */
async function complete(script: string, dir: string, words: string[]): Promise<string[]> {
  // `oms` on the PATH, as the script expects it.
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'oms'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(OMS)} "$@"\n`, { mode: 0o755 });
  const program = `${script}\nCOMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _oms; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const run = await execa('bash', ['--norc', '-c', program], { reject: false, cwd: ROOT, env: { PATH: `${bin}:${process.env['PATH']}`, OMS_STATE: undefined } });
  expect(run.exitCode, String(run.stderr)).toBe(0);
  return String(run.stdout).split('\n').filter(Boolean);
}

describe.concurrent('oms completion', () => {
  it('bash: commands, options, values, and symbols and order ids from the state on the line', async () => {
    const { state, dir } = documentState();
    const generated = await oms(['completion', 'bash']);
    const script = String(generated.stdout);
    const exitCode = generated.exitCode;
    expect(exitCode).toBe(0);
    expect(await complete(script, dir, ['oms', 'or'])).toEqual(['order', 'orders']);
    expect(await complete(script, dir, ['oms', 'comp'])).toEqual(['completion']);
    expect(await complete(script, dir, ['oms', '--js'])).toEqual(['--json']);
    expect(await complete(script, dir, ['oms', 'orders', '--s'])).toEqual(['--symbol', '--side']);
    expect(await complete(script, dir, ['oms', 'orders', '--side', ''])).toEqual(['buy', 'sell']);
    expect(await complete(script, dir, ['oms', 'export', ''])).toEqual(['orders', 'trades']);
    expect(await complete(script, dir, ['oms', 'help', 'ex'])).toEqual(['exit-codes', 'export']);
    expect(await complete(script, dir, ['oms', '--state', state, 'book', ''])).toEqual(['AMZN', 'GOOG', 'JPM']);
    expect(await complete(script, dir, ['oms', '--state', state, 'price', 'JPM', ''])).toEqual(['buy', 'sell']);
    expect((await complete(script, dir, ['oms', '--state', state, 'remove', ''])).sort()).toEqual(['1', '2', '3', '4']);
    expect(await complete(script, dir, ['oms', '--state', state, 'add', ''])).toEqual([]);
    // A state that does not exist: nothing offered, nothing printed.
    expect(await complete(script, dir, ['oms', '--state', path.join(dir, 'none.json'), 'book', ''])).toEqual([]);
  });

  it('zsh and fish scripts; an unknown shell is a usage error', async () => {
    const [zsh, fish, bad] = await Promise.all([oms(['completion', 'zsh']), oms(['completion', 'fish']), omsJson(['completion', 'tcsh'])]);
    expect(zsh.stdout).toContain('bashcompinit');
    expect(zsh.stdout).toContain('complete -F _oms oms');
    expect(fish.stdout).toContain("complete -c oms -n __fish_use_subcommand -a orders");
    expect(fish.stdout).toContain("-d 'set a live order\\'s amount");
    expect(fish.stdout).toContain('__oms_dynamic symbols');
    expect(bad.result.exitCode).toBe(2);
    expect(bad.json.error.code).toBe('INVALID_ARGUMENT');
    const bash = await oms(['completion', 'bash']);
    const check = await execa('bash', ['-n'], { input: String(bash.stdout), reject: false });
    expect(check.exitCode, String(check.stderr)).toBe(0);
  });

  it('the hidden helper lists symbols and order ids (by prefix), and is not in --help', async () => {
    const { state } = documentState();
    expect((await oms(['__complete', 'symbols'], { state })).stdout).toBe('AMZN\nGOOG\nJPM');
    expect((await oms(['__complete', 'orders', '4'], { state })).stdout).toBe('4');
    expect((await oms(['--help'])).stdout).not.toContain('__complete');
    expect((await oms(['--help'])).stdout).toMatch(/completion <shell>/);
  });
});

describe.concurrent('oms help <topic>', () => {
  it('exit codes, csv, conventions, environment; a command\'s help; an unknown topic is exit 2', async () => {
    const [codes, csv, conventions, environment, add, unknown] = await Promise.all([
      oms(['help', 'exit-codes']),
      oms(['help', 'csv']),
      oms(['help', 'conventions']),
      oms(['help', 'environment']),
      oms(['help', 'add']),
      oms(['help', 'nope']),
    ]);
    expect(codes.stdout).toMatch(/^\s+5\s+state locked/m);
    expect(csv.stdout).toContain('order_id');
    expect(csv.stdout).toContain('--decimal-comma');
    expect(conventions.stdout).toContain('a Buy request walks the Sell side');
    expect(environment.stdout).toContain('OMS_STATE');
    expect(add.stdout).toMatch(/^Usage: oms add/);
    expect(add.stdout).toContain('Examples:');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/oms: error: topic: "nope" is neither a help topic \(exit-codes, csv, conventions, environment\)/);
    const bare = fresh();
    expect((await oms(['help'], { state: bare.state })).stdout).toMatch(/Reference: oms help exit-codes/);
  });
});
