// `--format csv|tsv|json` on the list commands (orders, trades, history,
// quotes): one row per item for spreadsheets and `cut`/`awk`, or the --json
// document. CSV is the export's dialect (CRLF, quoted when needed, free text
// that a spreadsheet would run as a formula prefixed with '); TSV has one
// line per row and escapes a tab, line break or backslash in a cell as \t,
// \n, \r, \\ (the convention of PostgreSQL's text COPY and many tools), so a
// row never spans lines.

import { OmsError } from '../core/errors.js';
import { csvLine, protectText } from '../import/cells.js';
import { lines, type Lines, type Printable } from '../text/print.js';
import type { CliContext } from './context.js';
import type { CommandOutput } from './output.js';

export const LIST_FORMATS = ['text', 'csv', 'tsv', 'json'] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];

export function parseListFormat(input: string | undefined): ListFormat {
  if (input === undefined) return 'text';
  const format = input.toLowerCase();
  if ((LIST_FORMATS as readonly string[]).includes(format)) return format as ListFormat;
  throw new OmsError('INVALID_ARGUMENT', `format: ${JSON.stringify(input)} is not one of ${LIST_FORMATS.join(', ')}`, { field: 'format', value: input });
}

/** A cell: a number, a decimal or id string, or free text (which CSV protects from spreadsheets). */
export type Cell = string | number | null | { text: string | null };

export const freeText = (text: string | null): Cell => ({ text });

function tsvCell(cell: Cell): string {
  const value = cell !== null && typeof cell === 'object' ? cell.text : cell;
  if (value === null) return '';
  return String(value).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

function csvValue(cell: Cell): string | number | null {
  return cell !== null && typeof cell === 'object' ? protectText(cell.text) : cell;
}

/** The header and rows as CSV (CRLF) or TSV (LF) lines, produced as they are printed (the printer adds each LF). */
export function delimited(format: 'csv' | 'tsv', columns: string[], rows: Iterable<Cell[]>): Lines {
  const line = (cells: Cell[]): string => (format === 'csv' ? csvLine(cells.map(csvValue)).slice(0, -1) : cells.map(tsvCell).join('\t'));
  return lines(
    (function* () {
      yield line(columns);
      for (const row of rows) yield line(row);
    })(),
  );
}

/** A list command's output in the format asked for; --json still prints the JSON document. */
export function listOutput<T>(
  format: ListFormat,
  json: unknown,
  text: (ctx: CliContext) => Printable | Promise<Printable>,
  table: { columns: string[]; rows: (item: T) => Cell[]; items: Iterable<T> },
): CommandOutput {
  return {
    json,
    text: (ctx) => {
      if (format === 'text') return text(ctx);
      if (format === 'json') return JSON.stringify(json);
      return delimited(format, table.columns, mapped(table.items, table.rows));
    },
  };
}

function* mapped<T>(items: Iterable<T>, row: (item: T) => Cell[]): Generator<Cell[]> {
  for (const item of items) yield row(item);
}
