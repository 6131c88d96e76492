// The prompt mode's loop (SPEC §5): a header naming the state and its
// convention, the menu, one action at a time. A rejected action is shown
// inline and the menu comes back; Esc or Ctrl-C inside an action drops it;
// Ctrl-C at the menu, or a signal, ends the session (exit 130/143); quit
// ends it normally.

import { OmsError } from '../core/errors.js';
import { addOrder, modifyOrder, removeOrder } from './order-actions.js';
import { showBook, showOrders, showStatus, showTrades } from './looking-actions.js';
import { Session, type SessionContext } from './session.js';
import { PromptCancelled, Terminal, type Choice, type PromptInput } from './terminal.js';
import { quoteRequest, tradeRequest } from './trading-actions.js';

type Action = (session: Session) => Promise<void>;

interface MenuEntry {
  name: string;
  description: string;
  run: Action | 'quit';
}

const MENU: MenuEntry[] = [
  { name: 'add', description: 'add an order', run: addOrder },
  { name: 'modify', description: "set a live order's amount and/or price", run: modifyOrder },
  { name: 'remove', description: 'remove a live order', run: removeOrder },
  { name: 'quote', description: 'price a request and store the quote', run: quoteRequest },
  { name: 'trade', description: 'quote, confirm, then trade that quote', run: tradeRequest },
  { name: 'book', description: "a symbol's book by price level", run: showBook },
  { name: 'orders', description: 'all live orders', run: showOrders },
  { name: 'trades', description: 'executed trades, newest first', run: showTrades },
  { name: 'status', description: 'counts, symbols, sizes, lock', run: showStatus },
  { name: 'quit', description: 'leave (also Ctrl-D; Ctrl-C leaves with exit 130)', run: 'quit' },
];

async function header(session: Session): Promise<string> {
  const status = await (await session.ctx.app()).status();
  const { theme } = session.ctx;
  const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  const state = status.exists ? `${count(status.liveOrders, 'live order')}, ${count(status.trades, 'trade')}` : 'not created yet: the first change creates it';
  return `${theme.heading('oms')} ${status.location} ${theme.dim(`(${status.convention} convention; ${state})`)}`;
}

export async function runSession(ctx: SessionContext, input: PromptInput): Promise<void> {
  const prompts = await import('@inquirer/prompts');
  // Prompts go to stderr so stdout carries results only, unless stderr is
  // not a terminal (2>file), where they would be invisible.
  const promptStream = ctx.io.stderr.isTTY ? ctx.io.stderr : ctx.io.stdout;
  const session = new Session(ctx, new Terminal(prompts, input, promptStream, ctx.signal, ctx.theme));
  const choices: Choice<MenuEntry>[] = MENU.map((entry) => ({ value: entry, name: entry.name, description: entry.description }));
  session.note('Esc or Ctrl-C at a question goes back to this menu.');
  let last = MENU[0];
  for (;;) {
    session.term.say(await header(session));
    const chosen = await session.term.menu({ message: 'What next?', choices, default: last, pageSize: choices.length });
    if (chosen === undefined || chosen.run === 'quit') return;
    last = chosen;
    try {
      await chosen.run(session);
    } catch (error) {
      if (error instanceof PromptCancelled) session.note(`${error.message}: back to the menu`);
      else if (error instanceof OmsError && error.code !== 'INTERRUPTED') session.problem(error);
      else throw error;
    }
  }
}
