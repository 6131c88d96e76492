// The prompt mode as a whole: the header, the views, where prompts and
// results go, leaving with Esc / Ctrl-C / Ctrl-D / a signal, and refusing
// where nobody can answer.

import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { exitCodeOf, toOmsError } from '../../src/app/errors.js';
import { stateFiles, tempState, type TempState } from '../e2e/helpers.js';
import { FakeTerminal, KEY, type TerminalOptions } from './harness.js';
import { useSeededSessions } from './sessions.js';
import { seed } from './state.js';

let tmp: TempState;
useSeededSessions((session) => ({ tmp } = session));

async function failure(done: Promise<unknown>, term: FakeTerminal): Promise<ReturnType<typeof toOmsError>> {
  const outcome = await term.ended(done.then(() => undefined, (error: unknown) => error));
  if (outcome === undefined) throw new Error('the session ended normally');
  return toOmsError(outcome);
}

describe('the menu', () => {
  it('names the state and its convention, and lists every action', async () => {
    const market = tempState();
    try {
      await seed(market.state, 'market');
      const term = new FakeTerminal();
      const { done } = await term.start({ state: market.state });
      await term.waitFor(`oms ${market.state} (market convention; 4 live orders, 0 trades)`);
      await term.waitFor('What next?');
      for (const action of ['add', 'modify', 'remove', 'quote', 'trade', 'book', 'orders', 'trades', 'status', 'quit']) {
        expect(term.screen()).toMatch(new RegExp(`^[ ❯] ${action}$`, 'm'));
      }
      term.press('quit', KEY.enter);
      expect(await term.ended(done)).toMatchObject({ json: undefined });
    } finally {
      market.cleanup();
    }
  });

  it('says when the state does not exist yet, and creates it with the first change only', async () => {
    const fresh = tempState();
    try {
      const term = new FakeTerminal();
      const { done } = await term.start({ state: fresh.state });
      await term.waitFor('(document convention; not created yet: the first change creates it)');
      await term.menu('orders');
      await term.waitFor('no live orders');
      await term.menu('quit');
      await term.ended(done);
      expect(stateFiles(fresh.state)).toEqual({});
    } finally {
      fresh.cleanup();
    }
  });

  it('shows the book, the orders, the trades and the status as the subcommands do', async () => {
    const term = new FakeTerminal();
    const { done } = await term.start({ state: tmp.state });
    await term.menu('book');
    await term.choose('Book of symbol', 'jpm', 'JPM');
    await term.waitFor('JPM (document convention)');
    await term.waitFor('Buy side (lowest price first; what a Buy request walks)');
    await term.menu('orders');
    await term.waitFor('AMZN');
    await term.menu('trades');
    await term.waitFor('no trades');
    await term.menu('status');
    await term.waitFor('Convention');
    await term.menu('quit');
    await term.ended(done);
    const orders = term.stdout.text.slice(term.stdout.text.lastIndexOf('Source'));
    expect(orders.indexOf('AMZN')).toBeLessThan(orders.indexOf('GOOG'));
    expect(orders.indexOf('GOOG')).toBeLessThan(orders.indexOf('JPM'));
  });

  it('prompts on stderr and results on stdout; on stdout too when stderr is not a terminal', async () => {
    const term = new FakeTerminal();
    const { done } = await term.start({ state: tmp.state });
    await term.menu('orders');
    await term.waitFor('AMZN');
    await term.menu('quit');
    await term.ended(done);
    expect(term.stderr.text).toContain('What next?');
    expect(term.stdout.text).not.toContain('What next?');
    expect(term.stdout.text).toContain('AMZN');

    const redirected = new FakeTerminal({ stderrTTY: false });
    const second = await redirected.start({ state: tmp.state });
    await redirected.menu('quit');
    await redirected.ended(second.done);
    expect(redirected.stdout.text).toContain('What next?');
  });
});

describe('leaving and going back', () => {
  it('Esc at a question goes back to the menu and changes nothing', async () => {
    const before = stateFiles(tmp.state);
    const term = new FakeTerminal();
    const { done } = await term.start({ state: tmp.state });
    await term.menu('add');
    await term.answer('Order id', '9');
    await term.choose('Symbol', 'jpm', 'JPM');
    await term.waitFor('Side');
    term.press(KEY.esc);
    await term.waitFor('cancelled with Esc: back to the menu');
    await term.menu('quit');
    await term.ended(done);
    expect(stateFiles(tmp.state)).toEqual(before);
  });

  it('Ctrl-C at a question goes back to the menu; Ctrl-C at the menu leaves with 130', async () => {
    const before = stateFiles(tmp.state);
    const term = new FakeTerminal();
    const { done } = await term.start({ state: tmp.state });
    await term.menu('trade');
    await term.waitFor('Symbol to trade');
    term.press(KEY.ctrlC);
    await term.waitFor('cancelled with Ctrl-C: back to the menu');
    await term.waitFor('What next?');
    term.press(KEY.ctrlC);
    const error = await failure(done, term);
    expect(error.code).toBe('INTERRUPTED');
    expect(exitCodeOf(error)).toBe(130);
    expect(stateFiles(tmp.state)).toEqual(before);
  });

  it('Esc at the menu does nothing; Ctrl-D there leaves normally', async () => {
    const term = new FakeTerminal();
    const { done } = await term.start({ state: tmp.state });
    await term.waitFor('What next?');
    term.press(KEY.esc);
    // Esc is told apart from an arrow key only after a pause (readline's 500 ms
    // timer); then a key that still works. Both timers run in this process, so
    // the order holds however busy the machine is.
    await new Promise((resolve) => setTimeout(resolve, 600));
    term.press(KEY.down);
    await term.waitFor('❯ modify');
    term.press(KEY.ctrlD);
    expect(await term.ended(done)).toMatchObject({ json: undefined });
  });

  it('Esc at the menu keeps the cursor where it was', async () => {
    const term = new FakeTerminal();
    const { done } = await term.start({ state: tmp.state });
    await term.waitFor('What next?');
    term.press(KEY.down);
    term.press(KEY.down);
    await term.waitFor('❯ remove');
    term.press(KEY.esc);
    await new Promise((resolve) => setTimeout(resolve, 600));
    term.press(KEY.down);
    await term.waitFor('❯ quote');
    term.press(KEY.ctrlD);
    expect(await term.ended(done)).toMatchObject({ json: undefined });
  });

  it('Ctrl-D at a question goes back to the menu', async () => {
    const term = new FakeTerminal();
    const { done } = await term.start({ state: tmp.state });
    await term.menu('quote');
    await term.waitFor('Symbol to quote');
    term.press(KEY.ctrlD);
    await term.waitFor('cancelled with Ctrl-D: back to the menu');
    await term.menu('quit');
    await term.ended(done);
  });

  it('a signal while a question waits ends the session as interrupted (143 for SIGTERM)', async () => {
    const before = stateFiles(tmp.state);
    const term = new FakeTerminal();
    const { done } = await term.start({ state: tmp.state });
    await term.menu('add');
    await term.waitFor('Order id');
    term.controller.abort('SIGTERM');
    const error = await failure(done, term);
    expect(error.code).toBe('INTERRUPTED');
    expect(exitCodeOf(error, 'SIGTERM')).toBe(143);
    expect(stateFiles(tmp.state)).toEqual(before);
  });
});

describe('refusing where nobody can answer', () => {
  async function run(argv: string[], options: TerminalOptions): Promise<{ code: number; stdout: string; stderr: string }> {
    const term = new FakeTerminal(options);
    const code = await runCli(['--state', tmp.state, ...argv], term.io, { version: '0.0.0', signal: term.controller.signal });
    return { code, stdout: term.stdout.text, stderr: term.stderr.text };
  }

  it.each([
    ['stdin is not a terminal', ['interactive'], { stdinTTY: false }, 'interactive mode needs a terminal, and stdin is not one; use the subcommands instead (see oms --help)'],
    ['stdout is not a terminal', ['interactive'], { stdoutTTY: false }, 'interactive mode needs a terminal, and stdout is not one'],
    ['--no-input', ['--no-input', 'interactive'], {}, 'interactive mode is off with --no-input; use the subcommands'],
    ['--op-id', ['--op-id', 'x', 'interactive'], {}, 'op-id: --op-id does not apply to interactive'],
  ] as const)('%s: exit 2 at once, saying to use the subcommands', async (_case, argv, options, message) => {
    const before = stateFiles(tmp.state);
    const result = await run([...argv], options);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('What next?');
    expect(stateFiles(tmp.state)).toEqual(before);
  });

  it('--json: exit 2 with one JSON error document', async () => {
    const result = await run(['--json', 'interactive'], {});
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('has no --json form') } });
  });

  it('a CI variable alone does not refuse: the terminal is what matters', async () => {
    const term = new FakeTerminal({ env: { CI: 'true' } });
    const { done } = await term.start({ state: tmp.state });
    await term.menu('quit');
    expect(await term.ended(done)).toMatchObject({ json: undefined });
  });

  // Known bug, outside this module (src/cli/run.ts routes only an empty argv
  // to interactive, while `oms interactive --help` shows `oms --state desk.json`
  // as a way in): remove `.fails` once it is fixed.
  it('oms with global options but no command, on a terminal, opens the menu', async () => {
    const term = new FakeTerminal();
    const code = runCli(['--state', tmp.state], term.io, { version: '0.0.0', signal: term.controller.signal });
    const menu = term.waitFor('What next?');
    menu.catch(() => undefined);
    expect(await Promise.race([code.then((exit) => `exit ${exit}`), menu.then(() => 'menu')])).toBe('menu');
    term.press('quit', KEY.enter);
    expect(await term.ended(code)).toBe(0);
  });

  it('bare oms on a terminal opens the menu', async () => {
    const term = new FakeTerminal({ env: { OMS_STATE: tmp.state } });
    const code = runCli([], term.io, { version: '0.0.0', signal: term.controller.signal });
    await term.waitFor(`oms ${tmp.state} (document convention`);
    await term.menu('quit');
    expect(await term.ended(code)).toBe(0);
  });
});
