// oms quote: price a request and store the quote so it can be traded later.

import { mutationJson } from '../../app/json.js';
import { resultOfType } from '../../app/oms.js';
import { quoteCommand } from '../../core/commands.js';
import { quoteText } from '../../text/views.js';
import type { CliContext } from '../context.js';
import { commitOne } from '../mutation.js';
import type { CommandOutput } from '../output.js';

export interface QuoteOptions {
  symbol: string;
  side: string;
  amount: string;
  client?: string;
  ttl?: string;
  partial?: boolean;
}

export async function runQuote(options: QuoteOptions, ctx: CliContext): Promise<CommandOutput> {
  const outcome = await commitOne(ctx, quoteCommand(options));
  const { quote } = resultOfType(outcome, 'quote');
  return { json: mutationJson(outcome), text: () => quoteText(ctx, quote) };
}
