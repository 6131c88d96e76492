// oms status: what the state holds and how big it is.

import type { CliContext } from '../context.js';
import { renderTable } from '../format/table.js';
import type { CommandOutput } from '../output.js';

export async function runStatus(_options: object, ctx: CliContext): Promise<CommandOutput> {
  const { details, ...status } = await (await ctx.store()).status();
  return {
    json: { ...status, ...details?.json },
    text: () => {
      const rows = [
        ['State', status.location],
        ['Exists', status.exists ? 'yes' : 'no (an empty state is shown)'],
        ['Schema', status.schema === null ? '-' : String(status.schema)],
        ['Convention', status.convention],
        ['Created', status.createdAt ?? '-'],
        ['Last operation', String(status.seq)],
        ['Operations', String(status.operations)],
        ['Live orders', String(status.liveOrders)],
        ['Symbols', status.symbols.length ? `${status.symbols.length} (${status.symbols.slice(0, 10).join(', ')}${status.symbols.length > 10 ? ', ...' : ''})` : '0'],
        ['Trades', String(status.trades)],
        ['Quotes', String(status.quotes)],
        ...(details?.lines ?? []),
      ];
      return renderTable(ctx, [{ title: 'Field' }, { title: 'Value' }], rows);
    },
  };
}
