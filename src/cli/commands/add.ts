// oms add: one new order.

import { addCommand } from '../../core/commands.js';
import type { CliContext } from '../context.js';
import { describeOrder } from '../format/views.js';
import { commitOne, mutationJson, resultOfType } from '../mutation.js';
import type { CommandOutput } from '../output.js';

export interface AddOptions {
  orderId: string;
  symbol: string;
  side: string;
  amount: string;
  price: string;
  source?: string;
}

export async function runAdd(options: AddOptions, ctx: CliContext): Promise<CommandOutput> {
  const outcome = await commitOne(ctx, addCommand(options));
  const { order } = resultOfType(outcome, 'add');
  return {
    json: mutationJson(outcome),
    text: () => `${outcome.status === 'replayed' ? 'Already added' : 'Added'} ${describeOrder(ctx, order)} ${ctx.theme.dim(`(op ${outcome.opId})`)}`,
  };
}
