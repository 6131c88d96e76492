// Tables for people: boxed on a terminal, plain aligned columns when piped
// (nothing decorative for grep and awk). cli-table3 is loaded only here.

import type { CliContext } from '../context.js';

export type Align = 'left' | 'right';

export interface Column {
  title: string;
  align?: Align;
}

const PLAIN_CHARS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '',
  right: '', 'right-mid': '', middle: '  ',
};

export async function renderTable(ctx: CliContext, columns: Column[], rows: string[][]): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const table = new Table({
    head: columns.map((column) => (ctx.decorated ? ctx.theme.heading(column.title) : column.title)),
    colAligns: columns.map((column) => column.align ?? 'left'),
    style: ctx.decorated ? { head: [], border: [] } : { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    ...(ctx.decorated ? {} : { chars: PLAIN_CHARS }),
  });
  for (const row of rows) table.push(row);
  const text = table.toString();
  return ctx.decorated ? text : text.split('\n').map((line) => line.trimEnd()).join('\n');
}
