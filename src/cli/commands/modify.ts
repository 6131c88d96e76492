// oms modify: new absolute amount and/or price for a live order.

import { modifyCommand } from '../../core/commands.js';
import type { CliContext } from '../context.js';
import { describeOrder } from '../format/views.js';
import { commitOne, mutationJson, resultOfType } from '../mutation.js';
import type { CommandOutput } from '../output.js';

export interface ModifyOptions {
  orderId: string;
  amount?: string;
  price?: string;
}

export async function runModify(options: ModifyOptions, ctx: CliContext): Promise<CommandOutput> {
  const outcome = await commitOne(ctx, modifyCommand(options));
  const result = resultOfType(outcome, 'modify');
  return {
    json: mutationJson(outcome),
    text: () => {
      const op = ctx.theme.dim(`(op ${outcome.opId})`);
      if (result.removed) return `Removed order ${options.orderId} (amount set to 0) ${op}`;
      if (outcome.status === 'unchanged') return `Unchanged ${describeOrder(ctx, result.order!)}`;
      return `Modified ${describeOrder(ctx, result.order!)} ${op}`;
    },
  };
}
