// The questions prompt mode asks. Each answer is checked as it is typed by
// the same field rule the subcommands use (core/fields.ts, core/decimal.ts),
// whose one-line message is shown inline, so the prompts accept exactly what
// `oms add ...` accepts. Symbols and order ids are offered from the state.

import { parseTtl } from '../core/commands.js';
import { parsePrice } from '../core/decimal.js';
import { OmsError, showValue } from '../core/errors.js';
import { parseAmount, parseNewAmount, parseOrderId, parseSymbol, parseText } from '../core/fields.js';
import type { Order, Side } from '../core/types.js';
import type { Theme } from '../text/theme.js';
import type { StateView } from '../store/store.js';
import type { Choice, InputQuestion, SearchQuestion, SelectQuestion } from './terminal.js';

/** How many matches a search offers; typing narrows them. */
const OFFERED = 30;

/** A field rule as a prompt validator: true, or the rule's message. */
export function check(rule: (value: string) => unknown): (value: string) => true | string {
  return (value) => {
    try {
      rule(value);
      return true;
    } catch (error) {
      if (error instanceof OmsError) return error.message;
      throw error;
    }
  };
}

/** As `check`, for a rule that has to look something up first. */
function checkLater(rule: (value: string) => Promise<unknown>): (value: string) => Promise<true | string> {
  return async (value) => {
    try {
      await rule(value);
      return true;
    } catch (error) {
      if (error instanceof OmsError) return error.message;
      throw error;
    }
  };
}

/** Why an order id cannot be given to a new order, or undefined when it can. */
async function usedOrderId(view: StateView | undefined, orderId: number): Promise<string | undefined> {
  if (!view) return undefined;
  let found;
  try {
    found = await view.orderStatus(orderId);
  } catch (error) {
    if (error instanceof OmsError && error.code === 'ORDER_NOT_FOUND') return undefined;
    throw error;
  }
  const { symbol, side, amount, price } = found.order;
  const how = found.status === 'live' ? `is live (${symbol} ${side} ${amount} @ ${price})` : `was used before (${found.how})`;
  return `${how}; order ids are never reused`;
}

/** One past the highest live id, stepping over ids used before. */
async function nextOrderId(view: StateView | undefined): Promise<number> {
  let highest = 0;
  for (const order of view?.orders() ?? []) highest = Math.max(highest, order.orderId);
  let candidate = highest + 1;
  for (let tries = 0; tries < 100 && (await usedOrderId(view, candidate)) !== undefined; tries++) candidate++;
  return candidate;
}

export async function newOrderIdQuestion(view: StateView | undefined): Promise<InputQuestion> {
  return {
    message: 'Order id',
    default: String(await nextOrderId(view)),
    validate: checkLater(async (value) => {
      const orderId = parseOrderId(value);
      const used = await usedOrderId(view, orderId);
      if (used) throw new OmsError('DUPLICATE_ORDER_ID', `orderId: ${showValue(value)} ${used}`);
    }),
  };
}

function orderChoice(theme: Theme, order: Order): Choice<number> {
  const source = order.source === null ? '' : `  from ${JSON.stringify(order.source)}`;
  return {
    value: order.orderId,
    name: `${order.orderId}  ${order.symbol} ${theme.side(order.side)} ${order.amount} @ ${order.price}${source}`,
    short: String(order.orderId),
  };
}

/**
 * A live order, found by typing the start of its id or its symbol. The
 * offer is capped, so a large book costs one scan per keystroke at most.
 */
export function liveOrderQuestion(view: StateView, theme: Theme, message: string): SearchQuestion<number> {
  return {
    message,
    pageSize: 10,
    source: (term) => {
      const wanted = (term ?? '').trim().toUpperCase();
      const offered: Choice<number>[] = [];
      const exact = /^\d+$/.test(wanted) ? view.order(Number(wanted)) : undefined;
      if (exact) offered.push(orderChoice(theme, exact));
      for (const order of view.orders()) {
        if (offered.length >= OFFERED) break;
        if (order.orderId === exact?.orderId) continue;
        if (wanted === '' || String(order.orderId).startsWith(wanted) || order.symbol.startsWith(wanted)) offered.push(orderChoice(theme, order));
      }
      return offered;
    },
  };
}

/**
 * A symbol: the state's symbols matching what is typed, and what is typed
 * itself when it is not one of them (checked by the symbol rule on Enter).
 */
export function symbolQuestion(view: StateView | undefined, message: string, newLabel: string): SearchQuestion<string> {
  const known = view?.symbols() ?? [];
  return {
    message,
    pageSize: 10,
    validate: check(parseSymbol),
    source: (term) => {
      const typed = term ?? '';
      const wanted = typed.toUpperCase();
      const offered: Choice<string>[] = known
        .filter((symbol) => symbol.includes(wanted))
        .slice(0, OFFERED)
        .map((symbol) => ({ value: symbol, name: symbol }));
      if (typed !== '' && !known.includes(wanted)) {
        const verdict = check(parseSymbol)(typed);
        offered.push({ value: typed, name: typed, description: verdict === true ? newLabel : verdict, short: wanted });
      }
      return offered;
    },
  };
}

/** Buy or Sell; the names stay plain so typing `b` or `s` picks one. */
export function sideQuestion(message: string, describe?: (side: Side) => string): SelectQuestion<Side> {
  return {
    message,
    choices: (['Buy', 'Sell'] as const).map((side) => ({ value: side, name: side, ...(describe ? { description: describe(side) } : {}) })),
  };
}

export function amountQuestion(message: string): InputQuestion {
  return { message, validate: check((value) => parseAmount(value)) };
}

/** A modify's amount: 0 is allowed (it removes the order); Enter keeps the current one. */
export function newAmountQuestion(current: number): InputQuestion {
  return { message: 'New amount (0 removes the order)', default: String(current), validate: check((value) => parseNewAmount(value)) };
}

export function priceQuestion(message: string, current?: string): InputQuestion {
  return { message, ...(current !== undefined ? { default: current } : {}), validate: check((value) => parsePrice(value)) };
}

/** Free text such as a source or a client; empty means none. */
export function textQuestion(field: string, message: string): InputQuestion {
  return { message, validate: check((value) => parseText(value, field)) };
}

export function ttlQuestion(defaultSeconds: number): InputQuestion {
  return { message: 'Seconds the quote stays tradable', default: String(defaultSeconds), validate: check((value) => parseTtl(value)) };
}
