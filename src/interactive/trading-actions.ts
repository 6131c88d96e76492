// Prompt mode's quote and trade. A trade is always a stored quote first:
// the person sees the fills and the total, confirms, and then that quote is
// executed, so a book that moved or a quote that expired in between is
// rejected cleanly (PRICE_MOVED, QUOTE_EXPIRED) instead of trading at a
// price nobody saw.

import { DEFAULT_QUOTE_TTL, quoteCommand, tradeQuoteCommand } from '../core/commands.js';
import { OmsError } from '../core/errors.js';
import { parseSymbol } from '../core/fields.js';
import { walkedSide } from '../core/convention.js';
import type { QuoteView } from '../core/ledger.js';
import type { Side } from '../core/types.js';
import type { StateView } from '../store/store.js';
import { resultOfType } from '../app/oms.js';
import { executionText, quoteText, tradeText } from '../text/views.js';
import { amountQuestion, sideQuestion, symbolQuestion, textQuestion, ttlQuestion } from './questions.js';
import type { Session } from './session.js';

interface Request {
  symbol: string;
  side: Side;
  amount: string;
  client: string;
}

/** Which side a request walks under the state's convention, and how much it holds. */
function liquidity(view: StateView, symbol: string, side: Side): string {
  const walked = walkedSide(view.convention, side);
  const book = view.book(symbol);
  const levels = walked === 'Buy' ? book.buy : book.sell;
  const available = levels.reduce((sum, level) => sum + BigInt(level.amount), 0n);
  return `walks the ${walked} side: ${available} available`;
}

async function askRequest(session: Session, verb: string): Promise<Request> {
  const { term } = session;
  const view = await session.view();
  const symbol = parseSymbol(await term.search(symbolQuestion(view, `Symbol to ${verb}`, 'no orders for this symbol yet')));
  const side = await term.select(sideQuestion('Side', view ? (choice) => liquidity(view, symbol, choice) : undefined));
  const amount = await term.input(amountQuestion('Amount'));
  const client = await term.input(textQuestion('client', 'Client (optional)'));
  return { symbol, side, amount, client };
}

function isShort(error: unknown): error is OmsError {
  return error instanceof OmsError && error.code === 'INSUFFICIENT_LIQUIDITY' && (error.details.available ?? '0') !== '0';
}

/** Stores a quote; when the book holds less than asked, offers to quote what it holds. */
async function storeQuote(session: Session, request: Request, ttl: string): Promise<QuoteView | undefined> {
  try {
    return resultOfType(await session.commit(quoteCommand({ ...request, ttl, partial: false })), 'quote').quote;
  } catch (error) {
    if (!isShort(error)) throw error;
    session.problem(error);
    const partial = await session.term.confirm({ message: `Quote the ${error.details.available} available instead (a partial fill)?`, default: false });
    if (!partial) {
      session.note('nothing quoted');
      return undefined;
    }
    return resultOfType(await session.commit(quoteCommand({ ...request, ttl, partial: true })), 'quote').quote;
  }
}

export async function quoteRequest(session: Session): Promise<void> {
  const request = await askRequest(session, 'quote');
  const ttl = await session.term.input(ttlQuestion(DEFAULT_QUOTE_TTL));
  const quote = await storeQuote(session, request, ttl);
  if (quote) session.show(await quoteText(session.ctx, quote));
}

export async function tradeRequest(session: Session): Promise<void> {
  const { term, ctx } = session;
  const request = await askRequest(session, 'trade');
  const quote = await storeQuote(session, request, String(DEFAULT_QUOTE_TTL));
  if (!quote) return;
  const what = `${quote.symbol} ${ctx.theme.side(quote.side)} ${quote.filled}`;
  session.show(`${await executionText(ctx, `Quote ${quote.quoteId}: ${what}`, quote)}\nValid until ${quote.expiresAt}`);
  if (!(await term.confirm({ message: `Trade quote ${quote.quoteId}: ${what} for ${quote.total}?`, default: false }))) {
    session.note(`not traded; quote ${quote.quoteId} can still be traded until ${quote.expiresAt} (oms trade --quote ${quote.quoteId})`);
    return;
  }
  let outcome;
  try {
    outcome = await session.commit(tradeQuoteCommand({ quoteId: quote.quoteId }));
  } catch (error) {
    if (error instanceof OmsError && (error.code === 'PRICE_MOVED' || error.code === 'QUOTE_EXPIRED')) {
      session.problem(error);
      session.note('nothing was traded; quote again to see the current book');
      return;
    }
    throw error;
  }
  session.show(await tradeText(ctx, resultOfType(outcome, 'trade').trade));
}
