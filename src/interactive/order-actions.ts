// Prompt mode's add, modify and remove: ask, then commit the same command
// `oms add|modify|remove` would, and say what happened in the same words.

import { addCommand, modifyCommand, removeCommand } from '../core/commands.js';
import { canonicalPrice } from '../core/decimal.js';
import { parseNewAmount } from '../core/fields.js';
import type { Order } from '../core/types.js';
import { resultOfType } from '../app/oms.js';
import { addedText, modifiedText, removedText } from '../text/results.js';
import { describeOrder } from '../text/views.js';
import {
  amountQuestion,
  liveOrderQuestion,
  newAmountQuestion,
  newOrderIdQuestion,
  priceQuestion,
  sideQuestion,
  symbolQuestion,
  textQuestion,
} from './questions.js';
import type { Session } from './session.js';

export async function addOrder(session: Session): Promise<void> {
  const { term, ctx } = session;
  const view = await session.view();
  const orderId = await term.input(await newOrderIdQuestion(view));
  const symbol = await term.search(symbolQuestion(view, 'Symbol (type to search or to name a new one)', 'a new symbol'));
  const side = await term.select(sideQuestion('Side'));
  const amount = await term.input(amountQuestion('Amount'));
  const price = await term.input(priceQuestion('Price'));
  const source = await term.input(textQuestion('source', 'Source (optional: the system or desk it came from)'));
  const outcome = await session.commit(addCommand({ orderId, symbol, side, amount, price, source }));
  const { order } = resultOfType(outcome, 'add');
  session.show(addedText(ctx, outcome, order));
}

/** A live order picked from the state, or undefined (and a word why) when there is none. */
async function pickOrder(session: Session, verb: string): Promise<Order | undefined> {
  const view = await session.view();
  if (!view || view.orderCount === 0) {
    session.note(`no live orders to ${verb}`);
    return undefined;
  }
  const orderId = await session.term.search(liveOrderQuestion(view, session.ctx.theme, `Order to ${verb} (type the start of its id or symbol)`));
  // Offered from this same view, so it is there.
  return view.order(orderId)!;
}

export async function modifyOrder(session: Session): Promise<void> {
  const { term, ctx } = session;
  const order = await pickOrder(session, 'modify');
  if (!order) return;
  const amount = await term.input(newAmountQuestion(order.amount));
  const price = parseNewAmount(amount) === 0 ? order.price : await term.input(priceQuestion('New price', order.price));
  // Only what changed is sent, as `oms modify --amount/--price` would.
  const amountChanged = parseNewAmount(amount) !== order.amount;
  const priceChanged = canonicalPrice(price) !== order.price;
  const outcome = await session.commit(
    modifyCommand({
      orderId: order.orderId,
      ...(amountChanged || !priceChanged ? { amount } : {}),
      ...(priceChanged ? { price } : {}),
    }),
  );
  session.show(modifiedText(ctx, outcome, order.orderId, resultOfType(outcome, 'modify')));
}

export async function removeOrder(session: Session): Promise<void> {
  const { term, ctx } = session;
  const order = await pickOrder(session, 'remove');
  if (!order) return;
  if (!(await term.confirm({ message: `Remove ${describeOrder(ctx, order)}?`, default: false }))) {
    session.note('nothing removed');
    return;
  }
  const outcome = await session.commit(removeCommand({ orderId: order.orderId }));
  const { removed } = resultOfType(outcome, 'remove');
  session.show(removedText(ctx, outcome, order.orderId, removed));
}
