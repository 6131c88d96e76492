// oms history: the operations journal, newest first.

import { historyJson, resultJson } from '../../app/json.js';
import type { HistoryEntry } from '../../app/oms.js';
import { historyText } from '../../text/listings.js';
import type { CliContext } from '../context.js';
import { freeText, listOutput, parseListFormat } from '../list-format.js';
import type { CommandOutput } from '../output.js';

export interface HistoryOptions {
  limit?: string;
  format?: string;
}

/** The command and result cells are the JSON of --json, so a script can parse them back. */
export const HISTORY_LIST_COLUMNS = ['seq', 'op_id', 'at', 'type', 'command', 'result'];

export async function runHistory(options: HistoryOptions, ctx: CliContext): Promise<CommandOutput> {
  const format = parseListFormat(options.format);
  const entries = await (await ctx.app()).history(options);
  return listOutput<HistoryEntry>(format, historyJson(entries), () => historyText(ctx, entries), {
    columns: HISTORY_LIST_COLUMNS,
    items: entries,
    rows: (e) => [e.seq, freeText(e.opId), e.at, e.command.type, JSON.stringify(e.command), JSON.stringify(resultJson(e.result))],
  });
}
