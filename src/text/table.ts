// Tables for people: boxed on a terminal, plain aligned columns when piped
// (nothing decorative for grep and awk). cli-table3 is loaded only here.

import type { TextStyle } from './style.js';

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

export async function renderTable(style: TextStyle, columns: Column[], rows: string[][]): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const table = new Table({
    head: columns.map((column) => (style.decorated ? style.theme.heading(column.title) : column.title)),
    colAligns: columns.map((column) => column.align ?? 'left'),
    style: style.decorated ? { head: [], border: [] } : { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    ...(style.decorated ? {} : { chars: PLAIN_CHARS }),
  });
  for (const row of rows) table.push(row);
  const text = table.toString();
  return style.decorated ? text : text.split('\n').map((line) => line.trimEnd()).join('\n');
}
