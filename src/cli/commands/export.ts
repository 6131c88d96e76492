// oms export: live orders (the import columns, in book priority order, so
// importing them into a fresh state rebuilds the same book) or trades (for
// spreadsheets), as CSV on stdout or in a file.

import fs from 'node:fs';
import { OmsError } from '../../core/errors.js';
import { csvLine, protectText } from '../../import/cells.js';
import type { Column } from '../../import/columns.js';
import { ioError } from '../../store/durable.js';
import type { CliContext } from '../context.js';
import { count } from '../../text/count.js';
import type { CommandOutput } from '../output.js';

export interface ExportOptions {
  what: string;
  output?: string;
}

/** The import's own columns (typed against them), so an export imports back. */
export const ORDER_COLUMNS: Column[] = ['action', 'order_id', 'symbol', 'side', 'amount', 'price', 'source'];
export const TRADE_COLUMNS = ['trade_id', 'symbol', 'side', 'requested', 'filled', 'total', 'client', 'quote_id', 'op_id', 'executed_at'];

async function* orderLines(ctx: CliContext): AsyncGenerator<string> {
  const orders = (await ctx.app()).allOrders();
  yield csvLine(ORDER_COLUMNS);
  for await (const order of orders) {
    yield csvLine(['add', order.orderId, order.symbol, order.side, order.amount, order.price, protectText(order.source)]);
  }
}

async function* tradeLines(ctx: CliContext): AsyncGenerator<string> {
  const trades = await (await ctx.app()).allTrades();
  yield csvLine(TRADE_COLUMNS);
  for (const trade of trades) {
    yield csvLine([
      trade.tradeId,
      trade.symbol,
      trade.side,
      trade.requested,
      trade.filled,
      trade.total,
      protectText(trade.client),
      trade.quoteId,
      protectText(trade.opId),
      trade.executedAt,
    ]);
  }
}

/** Writes lines in large chunks; returns the number of data rows (header excluded). */
async function drain(lines: AsyncIterable<string>, write: (text: string) => unknown): Promise<number> {
  let rows = -1;
  let chunk = '';
  for await (const line of lines) {
    rows++;
    chunk += line;
    if (chunk.length > 1 << 16) {
      write(chunk);
      chunk = '';
    }
  }
  write(chunk);
  return rows;
}

export async function runExport(options: ExportOptions, ctx: CliContext): Promise<CommandOutput> {
  if (options.what !== 'orders' && options.what !== 'trades') {
    throw new OmsError('INVALID_ARGUMENT', `what: ${JSON.stringify(options.what)} is not orders or trades`, { field: 'what', value: options.what });
  }
  if (ctx.json && options.output === undefined) {
    // --json promises one JSON document on stdout, and CSV is not one.
    throw new OmsError('INVALID_ARGUMENT', `output: export writes CSV; with --json give --output FILE (the summary is then JSON), or use oms --json ${options.what} for the ${options.what} as JSON`, { field: 'output' });
  }
  const lines = options.what === 'orders' ? orderLines(ctx) : tradeLines(ctx);
  if (options.output === undefined) {
    await drain(lines, (text) => ctx.io.stdout.write(text));
    return { json: undefined, text: () => '' };
  }
  const file = options.output;
  let fd: number;
  try {
    fd = fs.openSync(file, 'w', 0o644);
  } catch (error) {
    throw new OmsError('INVALID_ARGUMENT', `output: cannot write ${file}: ${(error as Error).message}`, { field: 'output', value: file });
  }
  let rows: number;
  try {
    rows = await drain(lines, (text) => fs.writeSync(fd, text));
  } catch (error) {
    throw ioError(error, file, 'write');
  } finally {
    fs.closeSync(fd);
  }
  return {
    json: { exported: options.what, rows, file },
    text: () => `Exported ${count(rows, options.what.slice(0, -1))} to ${file}`,
  };
}
