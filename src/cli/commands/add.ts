// oms add: one new order.

import { mutationJson } from '../../app/json.js';
import { resultOfType } from '../../app/oms.js';
import { addCommand } from '../../core/commands.js';
import { addedText } from '../../text/results.js';
import type { CliContext } from '../context.js';
import { commitOne } from '../mutation.js';
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
  return { json: mutationJson(outcome), text: () => addedText(ctx, outcome, order) };
}
