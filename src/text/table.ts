// Tables for people: boxed on a terminal, plain aligned columns when piped
// (nothing decorative for grep and awk). Rows are rendered as they are
// printed, in time linear in their number (cli-table3 was quadratic and
// overflowed the stack at 150k rows): column widths come from the first
// FIRST_CHUNK rows and from widths the caller knows for the whole list, so a
// list that long or shorter looks exactly as cli-table3 drew it; a later,
// wider cell widens its column from that row on.
// On a terminal the table is fitted to its width, cutting the widest columns.

import { lines, type Lines } from './print.js';
import type { TextStyle } from './style.js';
import { displayWidth, truncate } from './width.js';

export type Align = 'left' | 'right';

export interface Column {
  title: string;
  align?: Align;
  /** The widest value the whole list holds, when known without rendering it (ids, amounts). */
  width?: number;
}

export const FIRST_CHUNK = 1000;
/** A column cut to fit the terminal keeps at least this much. */
const MIN_WIDTH = 4;

function overhead(style: TextStyle, count: number): number {
  return style.decorated ? 3 * count + 1 : 2 * (count - 1);
}

/** Narrows the widest columns until the table fits the terminal (or cannot narrow more). */
function fit(style: TextStyle, widths: number[]): void {
  if (style.width === undefined) return;
  let excess = widths.reduce((sum, width) => sum + width, 0) + overhead(style, widths.length) - style.width;
  while (excess > 0) {
    let widest = 0;
    for (let i = 1; i < widths.length; i++) if ((widths[i] as number) > (widths[widest] as number)) widest = i;
    if ((widths[widest] as number) <= MIN_WIDTH) return;
    widths[widest] = (widths[widest] as number) - 1;
    excess--;
  }
}

function rule(widths: number[], [left, middle, right]: string): string {
  return `${left}${widths.map((width) => '─'.repeat(width + 2)).join(middle)}${right}`;
}

export function* tableLines(style: TextStyle, columns: Column[], rows: Iterable<string[]>): Generator<string> {
  const iterator = rows[Symbol.iterator]();
  const first: string[][] = [];
  while (first.length < FIRST_CHUNK) {
    const next = iterator.next();
    if (next.done) break;
    first.push(next.value);
  }
  const widths = columns.map((column) => Math.max(displayWidth(column.title), column.width ?? 0));
  for (const row of first) {
    for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i] as number, displayWidth(row[i] ?? ''));
  }
  fit(style, widths);
  let total = widths.reduce((sum, width) => sum + width, 0) + overhead(style, widths.length);
  let between = rule(widths, '├┼┤');

  const line = (cells: string[], later: boolean): string => {
    const padded = cells.map((cell, i) => {
      const width = displayWidth(cell);
      let room = widths[i] as number;
      // A later row's wider cell widens its column, unless the terminal has no room left.
      if (later && width > room && (style.width === undefined || total + width - room <= style.width)) {
        total += width - room;
        widths[i] = room = width;
        between = rule(widths, '├┼┤');
      }
      const shown = width > room ? truncate(cell, room) : cell;
      const fill = ' '.repeat(room - (width > room ? displayWidth(shown) : width));
      return columns[i]?.align === 'right' ? fill + shown : shown + fill;
    });
    return style.decorated ? `│ ${padded.join(' │ ')} │` : padded.join('  ').trimEnd();
  };

  if (style.decorated) yield rule(widths, '┌┬┐');
  yield line(
    columns.map((column, i) => (style.decorated ? style.theme.heading(truncate(column.title, widths[i] as number)) : column.title)),
    false,
  );
  for (const row of first) {
    if (style.decorated) yield between;
    yield line(row, false);
  }
  for (let next = iterator.next(); !next.done; next = iterator.next()) {
    const row = line(next.value, true);
    if (style.decorated) yield between;
    yield row;
  }
  if (style.decorated) yield rule(widths, '└┴┘');
}

/** A small table as one string (fills of a trade, a status). */
export function renderTable(style: TextStyle, columns: Column[], rows: string[][]): string {
  return Array.from(tableLines(style, columns, rows)).join('\n');
}

/** A table of any length, rendered as it is printed. */
export function tableText(style: TextStyle, columns: Column[], rows: Iterable<string[]>): Lines {
  return lines(tableLines(style, columns, rows));
}
