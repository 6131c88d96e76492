// The header row of an import file (SPEC §4): which known column sits where,
// in any order and any case. An unknown or repeated column is refused before
// anything is applied, as is a file without an action column that lacks a
// column every add needs. `error` (what --rejects writes) is ignored, and
// so is a column with no name whose cells are empty (a spreadsheet's stray
// trailing delimiter). Names match whatever their spaces, case and
// punctuation (a spreadsheet's `Order ID` is order_id), and columns named in
// `ignore` (--ignore-columns) are skipped whatever they hold.

import type { ProblemList } from './problems.js';

export const COLUMNS = ['action', 'order_id', 'symbol', 'side', 'amount', 'price', 'source', 'client', 'op_id'] as const;
export type Column = (typeof COLUMNS)[number];

export const ERROR_COLUMN = 'error';

/** What an add needs: without an action column every row is an add. */
const ADD_COLUMNS: Column[] = ['order_id', 'symbol', 'side', 'amount', 'price'];

/** A header name as compared: `Order ID`, `order-id` and `ORDER_ID` are one name. */
export function columnKey(name: string): string {
  return name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
}

const KNOWN = new Map<string, Column>(COLUMNS.map((column) => [columnKey(column), column]));

export interface HeaderOptions {
  /** Names of extra columns to skip (compared as header names are). */
  ignore?: string[];
}

export class Header {
  /** Cell index of each known column, -1 when absent. */
  readonly at: Record<Column, number>;

  constructor(
    /** The header's cells as given (trimmed). */
    readonly names: string[],
    at: Partial<Record<Column, number>>,
    /** Columns with no name: their cells must stay empty. */
    readonly unnamed: number[],
    /** The `error` column of a rejects file, -1 when absent. */
    readonly errorColumn: number,
  ) {
    this.at = Object.fromEntries(COLUMNS.map((column) => [column, at[column] ?? -1])) as Record<Column, number>;
  }

  has(column: Column): boolean {
    return this.at[column] >= 0;
  }

  /** The cell of a column in a row: undefined when the header has no such column. */
  cell(cells: string[], column: Column): string | undefined {
    const at = this.at[column];
    return at < 0 ? undefined : (cells[at] ?? '');
  }
}

/** Reads the header; adds problems for what is wrong with it and returns undefined then. */
export function readHeader(cells: string[], problems: ProblemList, options: HeaderOptions = {}): Header | undefined {
  const found: string[] = [];
  const at: Partial<Record<Column, number>> = {};
  const unnamed: number[] = [];
  let errorColumn = -1;
  const ignore = new Set((options.ignore ?? []).map(columnKey));
  const keys = cells.map(columnKey);
  for (const name of options.ignore ?? []) {
    if (!keys.includes(columnKey(name))) found.push(`ignore-columns: ${JSON.stringify(name)} is not a column of this file (its columns: ${cells.join(', ')})`);
  }
  cells.forEach((cell, index) => {
    const key = keys[index] as string;
    const column = KNOWN.get(key);
    if (ignore.has(key) && key !== '') {
      // Skipped: neither checked nor used.
    } else if (cell === '') {
      unnamed.push(index);
    } else if (key === ERROR_COLUMN) {
      if (errorColumn >= 0) found.push(`column ${JSON.stringify(cell)} appears twice`);
      errorColumn = index;
    } else if (column === undefined) {
      found.push(
        `unknown column ${JSON.stringify(cell)}: the columns are ${COLUMNS.join(', ')} (and error, which is ignored); to skip a column of your own, name it in --ignore-columns`,
      );
    } else if (at[column] !== undefined) {
      found.push(`column ${JSON.stringify(cell)} appears twice`);
    } else {
      at[column] = index;
    }
  });
  if (Object.keys(at).length === 0 && errorColumn < 0) {
    problems.add(1, 'header', `the first line must be a header naming the columns (${COLUMNS.join(', ')}); it names none of them`);
    return undefined;
  }
  if (at.action === undefined) {
    const missing = ADD_COLUMNS.filter((column) => at[column] === undefined);
    if (missing.length > 0) {
      found.push(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}: without an action column every row is an add, which needs ${ADD_COLUMNS.join(', ')}`);
    }
  }
  for (const message of found) problems.add(1, 'header', message);
  if (found.length > 0) return undefined;
  return new Header(cells, at, unnamed, errorColumn);
}
