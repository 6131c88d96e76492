// oms trade: take an amount from the book now, or execute a stored quote.

import { mutationJson } from '../../app/json.js';
import { resultOfType } from '../../app/oms.js';
import { tradeCommand, tradeQuoteCommand } from '../../core/commands.js';
import { OmsError } from '../../core/errors.js';
import { tradeText } from '../../text/views.js';
import type { CliContext } from '../context.js';
import { commitOne } from '../mutation.js';
import type { CommandOutput } from '../output.js';

export interface TradeOptions {
  symbol?: string;
  side?: string;
  amount?: string;
  quote?: string;
  client?: string;
  partial?: boolean;
}

function usage(field: string, message: string): OmsError {
  return new OmsError('INVALID_ARGUMENT', message, { field });
}

export async function runTrade(options: TradeOptions, ctx: CliContext): Promise<CommandOutput> {
  const positional = [options.symbol, options.side, options.amount].filter((value) => value !== undefined).length;
  let command;
  if (options.quote !== undefined) {
    if (positional > 0) throw usage('quote', 'quote: --quote trades the quoted request; give no symbol, side or amount with it');
    if (options.client !== undefined || options.partial) throw usage('quote', 'quote: --client and --partial come from the quote; do not give them with --quote');
    command = tradeQuoteCommand({ quoteId: options.quote });
  } else {
    if (positional < 3) {
      const missing = ['symbol', 'side', 'amount'][positional] as string;
      throw usage(missing, `${missing}: missing; trade needs <symbol> <side> <amount>, or --quote <quoteId>`);
    }
    command = tradeCommand({ ...options, symbol: options.symbol, side: options.side, amount: options.amount });
  }
  const outcome = await commitOne(ctx, command);
  const { trade } = resultOfType(outcome, 'trade');
  return { json: mutationJson(outcome), text: () => tradeText(ctx, trade) };
}
