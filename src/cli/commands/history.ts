// oms history: the operations journal, newest first.

import { historyJson } from '../../app/json.js';
import { historyText } from '../../text/listings.js';
import type { CliContext } from '../context.js';
import type { CommandOutput } from '../output.js';

export interface HistoryOptions {
  limit?: string;
}

export async function runHistory(options: HistoryOptions, ctx: CliContext): Promise<CommandOutput> {
  const entries = await (await ctx.app()).history(options);
  return { json: historyJson(entries), text: () => historyText(ctx, entries) };
}
