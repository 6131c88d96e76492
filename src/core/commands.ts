// A command is a validated, canonical request to change the state: what argv,
// a CSV row, a prompt answer or an HTTP body becomes before anything runs.
// Canonical means two requests with the same meaning serialise to the same
// JSON (symbol upper-cased, side Buy/Sell, decimals canonical, fixed key
// order), which is how "same parameters" is decided for operation ids.

import { canonicalPrice } from './decimal.js';
import { invalid, OmsError } from './errors.js';
import { parseAmount, parseNewAmount, parseOrderId, parseSide, parseSymbol, parseText } from './fields.js';
import type { Side } from './types.js';

export interface AddCommand {
  type: 'add';
  orderId: number;
  symbol: string;
  side: Side;
  amount: number;
  price: string;
  source: string | null;
}

export interface ModifyCommand {
  type: 'modify';
  orderId: number;
  amount?: number;
  price?: string;
}

export interface RemoveCommand {
  type: 'remove';
  orderId: number;
}

export interface QuoteCommand {
  type: 'quote';
  symbol: string;
  side: Side;
  amount: number;
  client: string | null;
  /** Seconds the quote stays executable. */
  ttl: number;
  partial: boolean;
}

export interface TradeCommand {
  type: 'trade';
  symbol: string;
  side: Side;
  amount: number;
  client: string | null;
  partial: boolean;
}

export interface TradeQuoteCommand {
  type: 'tradeQuote';
  quoteId: number;
}

export type Command = AddCommand | ModifyCommand | RemoveCommand | QuoteCommand | TradeCommand | TradeQuoteCommand;

export const DEFAULT_QUOTE_TTL = 60;
export const MAX_QUOTE_TTL = 7 * 24 * 3600;

export function addCommand(raw: { orderId: unknown; symbol: unknown; side: unknown; amount: unknown; price: unknown; source?: unknown }): AddCommand {
  return {
    type: 'add',
    orderId: parseOrderId(raw.orderId),
    symbol: parseSymbol(raw.symbol),
    side: parseSide(raw.side),
    amount: parseAmount(raw.amount),
    price: canonicalPrice(raw.price),
    source: parseText(raw.source, 'source'),
  };
}

export function modifyCommand(raw: { orderId: unknown; amount?: unknown; price?: unknown }): ModifyCommand {
  const command: ModifyCommand = { type: 'modify', orderId: parseOrderId(raw.orderId) };
  if (raw.amount !== undefined && raw.amount !== '') command.amount = parseNewAmount(raw.amount);
  if (raw.price !== undefined && raw.price !== '') command.price = canonicalPrice(raw.price);
  if (command.amount === undefined && command.price === undefined) {
    throw new OmsError('INVALID_ARGUMENT', 'amount: a modify needs a new amount, a new price or both (--amount, --price)', { field: 'amount' });
  }
  return command;
}

export function removeCommand(raw: { orderId: unknown }): RemoveCommand {
  return { type: 'remove', orderId: parseOrderId(raw.orderId) };
}

export function parseTtl(input: unknown, field = 'ttl'): number {
  const ttl = parseAmount(input, field);
  if (ttl > MAX_QUOTE_TTL) throw invalid(field, input, `is above ${MAX_QUOTE_TTL} seconds (7 days)`);
  return ttl;
}

export function quoteCommand(raw: { symbol: unknown; side: unknown; amount: unknown; client?: unknown; ttl?: unknown; partial?: unknown }): QuoteCommand {
  return {
    type: 'quote',
    symbol: parseSymbol(raw.symbol),
    side: parseSide(raw.side),
    amount: parseAmount(raw.amount),
    client: parseText(raw.client, 'client'),
    ttl: raw.ttl === undefined ? DEFAULT_QUOTE_TTL : parseTtl(raw.ttl),
    partial: raw.partial === true,
  };
}

export function tradeCommand(raw: { symbol: unknown; side: unknown; amount: unknown; client?: unknown; partial?: unknown }): TradeCommand {
  return {
    type: 'trade',
    symbol: parseSymbol(raw.symbol),
    side: parseSide(raw.side),
    amount: parseAmount(raw.amount),
    client: parseText(raw.client, 'client'),
    partial: raw.partial === true,
  };
}

export function tradeQuoteCommand(raw: { quoteId: unknown }): TradeQuoteCommand {
  return { type: 'tradeQuote', quoteId: parseOrderId(raw.quoteId, 'quoteId') };
}

/** The text two commands are compared by. */
export function commandKey(command: Command): string {
  return JSON.stringify(command);
}
