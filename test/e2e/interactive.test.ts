// The built `oms interactive` in a real pseudo-terminal (tmux): keystrokes
// sent with send-keys, the screen read with capture-pane until the expected
// text shows, then the state checked with the ordinary subcommands. Also the
// refusals where there is no terminal, which need no tmux.

import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMAND_GUARD_MS, OMS, oms, omsJson, stateFiles, tempState, type TempState, tmuxAvailable } from './helpers.js';

const HAS_TMUX = tmuxAvailable();
if (!HAS_TMUX) console.warn('tmux is not installed: the interactive pseudo-terminal tests are skipped (.ci/run installs it with apt-get)');

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** One tmux server of its own (its own socket), one 120x40 window running a shell command. */
class Pane {
  private readonly socket = `oms-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(command: string) {
    // The shell stays after oms ends, so its exit code can be read off the screen.
    this.tmux('new-session', '-d', '-s', 'oms', '-x', '120', '-y', '40', `${command}; echo "EXIT=$?"; sleep infinity`);
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** The screen plus its scrollback, as text. */
  screen(): string {
    return this.tmux('capture-pane', '-p', '-J', '-t', 'oms', '-S', '-2000');
  }

  /** Waits until `text` is on the screen; the deadline is a hang guard, as for one command. */
  async waitFor(text: string, timeoutMs = COMMAND_GUARD_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      if (screen.includes(text)) return;
      if (Date.now() > deadline) throw new Error(`waited for ${JSON.stringify(text)}; the pane shows:\n${screen.trimEnd().slice(-4000)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  type(text: string): void {
    this.tmux('send-keys', '-t', 'oms', '-l', text);
  }

  key(...names: string[]): void {
    this.tmux('send-keys', '-t', 'oms', ...names);
  }

  close(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // Already gone.
    }
  }
}

let tmp: TempState;
let pane: Pane | undefined;

beforeEach(() => {
  tmp = tempState();
});
afterEach(() => {
  pane?.close();
  pane = undefined;
  tmp.cleanup();
});

function open(args = 'interactive'): Pane {
  pane = new Pane(`${quote(process.execPath)} ${quote(OMS)} --state ${quote(tmp.state)} ${args}`);
  return pane;
}

describe.skipIf(!HAS_TMUX)('in a real terminal (tmux)', () => {
  it('adds orders, quotes, trades a confirmed quote and quits; the subcommands see it all', async () => {
    const term = open();
    // A question waiting for its answer starts with "?"; once answered, with "✔".
    const menu = async (entry: string): Promise<void> => {
      await term.waitFor('? What next?');
      term.type(entry);
      term.key('Enter');
    };
    const addOrder = async (id: string, symbolTyped: string, symbolOffered: string, amount: string, price: string): Promise<void> => {
      await menu('add');
      await term.waitFor('? Order id');
      term.type(id);
      term.key('Enter');
      await term.waitFor('? Symbol (type to search');
      term.type(symbolTyped);
      await term.waitFor(symbolOffered);
      term.key('Enter');
      await term.waitFor('? Side');
      term.type('b');
      term.key('Enter');
      await term.waitFor('? Amount');
      term.type(amount);
      term.key('Enter');
      await term.waitFor('? Price');
      term.type(price);
      term.key('Enter');
      await term.waitFor('? Source');
      term.type('tmux');
      term.key('Enter');
      await term.waitFor(`Added order ${id}: JPM Buy ${amount} @ ${price}`);
    };
    const request = async (verb: string, amount: string): Promise<void> => {
      await menu(verb);
      await term.waitFor(`? Symbol to ${verb}`);
      term.type('jp');
      await term.waitFor('❯ JPM\n  jp');
      term.key('Enter');
      await term.waitFor('walks the Buy side: 30 available');
      term.key('Enter');
      await term.waitFor('? Amount');
      term.type(amount);
      term.key('Enter');
      await term.waitFor('? Client');
      term.type('acme');
      term.key('Enter');
    };

    await term.waitFor(`oms ${tmp.state} (document convention; not created yet`);
    // The list is refreshed after each keystroke and Enter counts only once it is: wait for the list of the whole term.
    await addOrder('1', 'jpm', '❯ jpm', '20', '20');
    await addOrder('4', 'jp', '❯ JPM\n  jp', '10', '21');

    await request('quote', '22');
    await term.waitFor('? Seconds the quote stays tradable');
    term.key('Enter');
    await term.waitFor('Quote 1 for "acme": JPM Buy 22');
    await term.waitFor('Total: 442 for 22');

    await request('trade', '22');
    await term.waitFor('? Trade quote 2: JPM Buy 22 for 442?');
    term.type('y');
    term.key('Enter');
    await term.waitFor('Trade 1 for "acme" (quote 2): JPM Buy 22');

    await menu('quit');
    await term.waitFor('EXIT=0');
    expect(term.screen()).not.toMatch(/\n\s+at /);

    const orders = await omsJson(['orders'], { state: tmp.state });
    expect(orders.result.exitCode).toBe(0);
    expect(orders.json.orders).toMatchObject([{ orderId: 4, symbol: 'JPM', side: 'Buy', amount: 8, price: '21', source: 'tmux' }]);
    const trades = await omsJson(['trades'], { state: tmp.state });
    expect(trades.json.trades).toMatchObject([
      {
        tradeId: 1,
        symbol: 'JPM',
        side: 'Buy',
        requested: 22,
        filled: 22,
        total: '442',
        client: 'acme',
        quoteId: 2,
        fills: [
          { orderId: 1, amount: 20, price: '20' },
          { orderId: 4, amount: 2, price: '21' },
        ],
      },
    ]);
  });

  it('Esc at a question goes back to the menu; Ctrl-C at the menu leaves with 130, no stack trace, nothing changed', async () => {
    await oms(['add', '1', 'JPM', 'buy', '20', '20'], { state: tmp.state });
    const before = stateFiles(tmp.state);
    const term = open();
    await term.waitFor('? What next?');
    term.type('add');
    term.key('Enter');
    await term.waitFor('? Order id');
    term.type('2');
    term.key('Enter');
    await term.waitFor('? Symbol');
    term.key('Escape');
    await term.waitFor('cancelled with Esc: back to the menu');
    await term.waitFor('? What next?');
    term.key('C-c');
    await term.waitFor('EXIT=130');
    const screen = term.screen();
    expect(screen).toContain('oms: error: left interactive mode (Ctrl-C)');
    expect(screen).not.toMatch(/\n\s+at /);
    expect(stateFiles(tmp.state)).toEqual(before);
  });

  it('refuses at a terminal with --no-input, and when stdout is not the terminal', async () => {
    const noInput = open('--no-input interactive');
    await noInput.waitFor('EXIT=2');
    expect(noInput.screen()).toContain('interactive mode is off with --no-input; use the subcommands instead (see oms --help)');
    noInput.close();

    const piped = open(`interactive > ${quote(`${tmp.dir}/out.txt`)}`);
    await piped.waitFor('EXIT=2');
    expect(piped.screen()).toContain('interactive mode needs a terminal, and stdout is not one');
  });
});

describe('without a terminal', () => {
  // The commands' hang guard (helpers.ts) is what stops a hang; timedOut says it happened.
  it('oms interactive with stdin not a TTY exits 2 without waiting for input', async () => {
    const result = await oms(['interactive'], { state: tmp.state });
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('interactive mode needs a terminal, and stdin is not one; use the subcommands instead (see oms --help)');
    expect(result.stdout).toBe('');
    expect(stateFiles(tmp.state)).toEqual({});
  });

  it('--no-input refuses with exit 2', async () => {
    const result = await oms(['--no-input', 'interactive'], { state: tmp.state });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('interactive mode is off with --no-input');
  });

  it('CI=1 does not change the answer: still refused for the missing terminal, not for CI', async () => {
    const result = await oms(['interactive'], { state: tmp.state, env: { CI: '1' } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('stdin is not one');
  });

  it('bare oms without a TTY prints the help to stderr and exits 2', async () => {
    const result = await oms([]);
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: oms');
    expect(result.stderr).toContain('interactive');
  });
});
