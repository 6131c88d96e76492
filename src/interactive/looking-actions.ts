// Prompt mode's book, orders, trades and status: the same queries as
// `oms book`, `oms orders`, `oms trades` and `oms status`, shown with the same
// text, so a view looks exactly as the subcommand shows it.

import { bookText } from '../text/views.js';
import { ordersText, statusText, tradesText } from '../text/listings.js';
import { symbolQuestion } from './questions.js';
import type { Session } from './session.js';

export async function showBook(session: Session): Promise<void> {
  const view = await session.view();
  if (!view || view.symbols().length === 0) {
    session.note('no books yet: add an order first');
    return;
  }
  const symbol = await session.term.search(symbolQuestion(view, 'Book of symbol', 'no orders for this symbol yet'));
  const book = await (await session.ctx.app()).book({ symbol, orders: true });
  await session.print(bookText(session.ctx, book, true));
}

export async function showOrders(session: Session): Promise<void> {
  await session.print(ordersText(session.ctx, await (await session.ctx.app()).orders()));
}

export async function showTrades(session: Session): Promise<void> {
  await session.print(tradesText(session.ctx, await (await session.ctx.app()).trades()));
}

export async function showStatus(session: Session): Promise<void> {
  session.show(statusText(session.ctx, await (await session.ctx.app()).status()));
}
