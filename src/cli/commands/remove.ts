// oms remove: take a live order off its book; a gone order is a no-op.

import { removeCommand } from '../../core/commands.js';
import type { CliContext } from '../context.js';
import { commitOne, mutationJson, resultOfType } from '../mutation.js';
import type { CommandOutput } from '../output.js';

export interface RemoveOptions {
  orderId: string;
}

export async function runRemove(options: RemoveOptions, ctx: CliContext): Promise<CommandOutput> {
  const command = removeCommand(options);
  const outcome = await commitOne(ctx, command);
  const { removed } = resultOfType(outcome, 'remove');
  return {
    json: mutationJson(outcome),
    text: () =>
      removed
        ? `Removed order ${command.orderId} ${ctx.theme.dim(`(op ${outcome.opId})`)}`
        : `Order ${command.orderId} was already gone; nothing removed`,
  };
}
