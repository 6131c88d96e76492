// oms modify: new absolute amount and/or price for a live order.

import { mutationJson } from '../../app/json.js';
import { resultOfType } from '../../app/oms.js';
import { modifyCommand } from '../../core/commands.js';
import { modifiedText } from '../../text/results.js';
import type { CliContext } from '../context.js';
import { commitOne } from '../mutation.js';
import type { CommandOutput } from '../output.js';

export interface ModifyOptions {
  orderId: string;
  amount?: string;
  price?: string;
}

export async function runModify(options: ModifyOptions, ctx: CliContext): Promise<CommandOutput> {
  const outcome = await commitOne(ctx, modifyCommand(options));
  const result = resultOfType(outcome, 'modify');
  return { json: mutationJson(outcome), text: () => modifiedText(ctx, outcome, options.orderId, result) };
}
