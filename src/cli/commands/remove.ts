// oms remove: take a live order off its book; a gone order is a no-op.

import { mutationJson } from '../../app/json.js';
import { resultOfType } from '../../app/oms.js';
import { removeCommand } from '../../core/commands.js';
import { removedText } from '../../text/results.js';
import type { CliContext } from '../context.js';
import { commitOne } from '../mutation.js';
import type { CommandOutput } from '../output.js';

export interface RemoveOptions {
  orderId: string;
}

export async function runRemove(options: RemoveOptions, ctx: CliContext): Promise<CommandOutput> {
  const command = removeCommand(options);
  const outcome = await commitOne(ctx, command);
  const { removed } = resultOfType(outcome, 'remove');
  return { json: mutationJson(outcome), text: () => removedText(ctx, outcome, command.orderId, removed) };
}
