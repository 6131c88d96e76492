// oms history: the operations journal, newest first.

import type { Command } from '../../core/commands.js';
import { parseCount } from '../../core/fields.js';
import { resultOf, type OperationRecord } from '../../core/ledger.js';
import type { CliContext } from '../context.js';
import { renderTable } from '../format/table.js';
import { resultJson } from '../mutation.js';
import type { CommandOutput } from '../output.js';
import { DEFAULT_LIMIT } from './trades.js';

export interface HistoryOptions {
  limit?: string;
}

export function summarizeCommand(cmd: Command): string {
  switch (cmd.type) {
    case 'add':
      return `add ${cmd.orderId} ${cmd.symbol} ${cmd.side} ${cmd.amount} @ ${cmd.price}${cmd.source === null ? '' : ` source ${JSON.stringify(cmd.source)}`}`;
    case 'modify':
      return `modify ${cmd.orderId}${cmd.amount === undefined ? '' : ` amount ${cmd.amount}`}${cmd.price === undefined ? '' : ` price ${cmd.price}`}`;
    case 'remove':
      return `remove ${cmd.orderId}`;
    case 'quote':
      return `quote ${cmd.symbol} ${cmd.side} ${cmd.amount}${cmd.partial ? ' partial' : ''}`;
    case 'trade':
      return `trade ${cmd.symbol} ${cmd.side} ${cmd.amount}${cmd.partial ? ' partial' : ''}`;
    case 'tradeQuote':
      return `trade quote ${cmd.quoteId}`;
  }
}

export function summarizeResult(record: OperationRecord): string {
  const result = resultOf(record);
  switch (result.type) {
    case 'add':
      return 'added';
    case 'modify':
      return result.removed ? 'removed (amount 0)' : `now ${result.order?.amount} @ ${result.order?.price}`;
    case 'remove':
      return 'removed';
    case 'quote':
      return `quote ${result.quote.quoteId}: ${result.quote.filled} for ${result.quote.total}`;
    case 'trade':
      return `trade ${result.trade.tradeId}: ${result.trade.filled} for ${result.trade.total}`;
  }
}

export async function runHistory(options: HistoryOptions, ctx: CliContext): Promise<CommandOutput> {
  const limit = options.limit === undefined ? DEFAULT_LIMIT : parseCount(options.limit, 'limit');
  const records: OperationRecord[] = [];
  for await (const record of (await ctx.store()).history({ limit })) records.push(record);
  const operations = records.map((record) => ({
    seq: record.seq,
    opId: record.op,
    at: new Date(record.at).toISOString(),
    command: record.cmd,
    result: resultJson(resultOf(record)),
  }));
  return {
    json: { operations },
    text: () =>
      records.length === 0
        ? ctx.theme.dim('no operations yet')
        : renderTable(
            ctx,
            [{ title: 'Seq', align: 'right' }, { title: 'Time' }, { title: 'Op id' }, { title: 'Command' }, { title: 'Result' }],
            records.map((record) => [String(record.seq), new Date(record.at).toISOString(), record.op, summarizeCommand(record.cmd), summarizeResult(record)]),
          ),
  };
}
