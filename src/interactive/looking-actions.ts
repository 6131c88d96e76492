// Prompt mode's book, orders, trades and status: the read-only subcommands
// themselves, run with the answers, so a view looks exactly as `oms book`,
// `oms orders`, `oms trades` and `oms status` show it.

import { runBook } from '../cli/commands/book.js';
import { runOrders } from '../cli/commands/orders.js';
import { runStatus } from '../cli/commands/status.js';
import { runTrades } from '../cli/commands/trades.js';
import type { CommandOutput } from '../cli/output.js';
import { symbolQuestion } from './questions.js';
import type { Session } from './session.js';

async function show(session: Session, output: CommandOutput): Promise<void> {
  session.show(await output.text(session.ctx));
}

export async function showBook(session: Session): Promise<void> {
  const view = await session.view();
  if (!view || view.symbols().length === 0) {
    session.note('no books yet: add an order first');
    return;
  }
  const symbol = await session.term.search(symbolQuestion(view, 'Book of symbol', 'no orders for this symbol yet'));
  await show(session, await runBook({ symbol, orders: true }, session.ctx));
}

export async function showOrders(session: Session): Promise<void> {
  await show(session, await runOrders({}, session.ctx));
}

export async function showTrades(session: Session): Promise<void> {
  await show(session, await runTrades({}, session.ctx));
}

export async function showStatus(session: Session): Promise<void> {
  await show(session, await runStatus({}, session.ctx));
}
