// One data row of an import file turned into a command (SPEC §4). The action
// decides which cells the row takes; each goes through the same field rules
// as the command line (core/commands.ts builders); cells that do not apply to
// the action must be empty; free text (source, client, op_id) is unwrapped
// from export's spreadsheet protection. A good row costs one builder call. Only a bad row is gone over
// cell by cell, so that all its problems are reported at once, under the
// CSV's column names, with a hint when a spreadsheet mangled a number.

import { addCommand, modifyCommand, removeCommand, tradeCommand, type Command } from '../core/commands.js';
import { canonicalPrice } from '../core/decimal.js';
import { invalid, OmsError, showValue } from '../core/errors.js';
import { parseAmount, parseNewAmount, parseOpId, parseOrderId, parseSide, parseSymbol, parseText } from '../core/fields.js';
import type { Side } from '../core/types.js';
import { unprotectText } from './cells.js';
import { COLUMNS, type Column, type Header } from './columns.js';
import { derivedFor } from './op-ids.js';
import type { CellProblem } from './problems.js';

export const ACTIONS = ['add', 'modify', 'remove', 'trade'] as const;
export type Action = (typeof ACTIONS)[number];

export interface RowOptions {
  /** Prices use a decimal comma (--decimal-comma). */
  decimalComma?: boolean;
}

export interface RowRequest {
  command: Command;
  /** The row's op_id cell, when it has one. */
  opId: string | undefined;
  /** Symbol and side cells of a modify or remove row: they must match the order. */
  symbol: string | undefined;
  side: Side | undefined;
}

export type RowResult = { request: RowRequest; problems?: undefined } | { request?: undefined; problems: CellProblem[] };

interface CellRule {
  column: Column;
  required: boolean;
  check(value: string, field: string): unknown;
}

const text = (value: string, field: string): unknown => parseText(unprotectText(value), field);
const rule = (column: Column, required: boolean, check: CellRule['check']): CellRule => ({ column, required, check });

const RULES: Record<Action, CellRule[]> = {
  add: [
    rule('order_id', true, parseOrderId),
    rule('symbol', true, parseSymbol),
    rule('side', true, parseSide),
    rule('amount', true, parseAmount),
    rule('price', true, canonicalPrice),
    rule('source', false, text),
  ],
  modify: [
    rule('order_id', true, parseOrderId),
    rule('amount', false, parseNewAmount),
    rule('price', false, canonicalPrice),
    rule('symbol', false, parseSymbol),
    rule('side', false, parseSide),
  ],
  remove: [rule('order_id', true, parseOrderId), rule('symbol', false, parseSymbol), rule('side', false, parseSide)],
  trade: [rule('symbol', true, parseSymbol), rule('side', true, parseSide), rule('amount', true, parseAmount), rule('client', false, text)],
};

/** Extra cells quoted in a problem; the rest are counted. */
const SHOWN_EXTRA = 3;
const SCIENTIFIC = /^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$/;
const NUMERIC: ReadonlySet<Column> = new Set<Column>(['order_id', 'amount', 'price']);

/** Reads the rows of one file against its header. */
export class RowReader {
  /** For each action, the cells that must be empty: other actions' columns and unnamed ones. */
  private readonly mustBeEmpty: Record<Action, number[]>;

  constructor(
    private readonly header: Header,
    private readonly options: RowOptions = {},
  ) {
    const entries = ACTIONS.map((action) => {
      const allowed = new Set<Column>(['action', 'op_id', ...RULES[action].map((cellRule) => cellRule.column)]);
      const empty = COLUMNS.filter((column) => !allowed.has(column) && header.has(column)).map((column) => header.at[column]);
      return [action, [...empty, ...header.unnamed]];
    });
    this.mustBeEmpty = Object.fromEntries(entries) as Record<Action, number[]>;
  }

  read(given: string[]): RowResult {
    const cells = this.options.decimalComma ? this.decimalComma(given) : given;
    if (!Array.isArray(cells)) return { problems: [cells] };
    const action = this.action(cells);
    if (typeof action !== 'string') return { problems: [action] };
    if (this.clean(action, cells)) {
      try {
        return { request: this.request(action, cells) };
      } catch (error) {
        if (!(error instanceof OmsError) || error.code !== 'INVALID_ARGUMENT') throw error;
      }
    }
    const problems = this.problems(action, cells);
    return { problems: problems.length > 0 ? problems : [{ field: 'row', message: 'is not a valid row' }] };
  }

  /**
   * The price cell with its decimal comma made a point. A point there is a
   * thousands separator, which could be a typo'd decimal point just as well:
   * refused, never guessed.
   */
  private decimalComma(cells: string[]): string[] | CellProblem {
    const at = this.header.at.price;
    const value = at < 0 ? undefined : cells[at];
    if (value === undefined || !value.includes(',') && !value.includes('.')) return cells;
    if (value.includes('.')) {
      return { field: 'price', message: `${JSON.stringify(value)}: with --decimal-comma the decimal mark is "," and a "." would be a thousands separator, which is not taken: write the price without it` };
    }
    const converted = [...cells];
    converted[at] = value.replace(',', '.');
    return converted;
  }

  private action(cells: string[]): Action | CellProblem {
    const cell = this.header.cell(cells, 'action') ?? '';
    if (cell === '') return 'add';
    const action = cell.toLowerCase();
    if ((ACTIONS as readonly string[]).includes(action)) return action as Action;
    return { field: 'action', message: `${JSON.stringify(cell)} is not an action (${ACTIONS.join(', ')})` };
  }

  /** No cell outside the action's columns, none past the header. */
  private clean(action: Action, cells: string[]): boolean {
    for (const at of this.mustBeEmpty[action]) if ((cells[at] ?? '') !== '') return false;
    for (let at = this.header.names.length; at < cells.length; at++) if (cells[at] !== '') return false;
    return true;
  }

  private request(action: Action, cells: string[]): RowRequest {
    const cell = (column: Column): string | undefined => this.header.cell(cells, column);
    const opIdCell = cell('op_id');
    const opId = opIdCell ? parseOpId(unprotectText(opIdCell), 'op_id', { importRow: true }) : undefined;
    return checkDerived(this.build(action, cells, opId));
  }

  private build(action: Action, cells: string[], opId: string | undefined): RowRequest {
    const cell = (column: Column): string | undefined => this.header.cell(cells, column);
    const textCell = (column: Column): string | undefined => {
      const value = cell(column);
      return value === undefined ? undefined : unprotectText(value);
    };
    switch (action) {
      case 'add':
        return {
          command: addCommand({ orderId: cell('order_id'), symbol: cell('symbol'), side: cell('side'), amount: cell('amount'), price: cell('price'), source: textCell('source') }),
          opId,
          symbol: undefined,
          side: undefined,
        };
      case 'trade':
        return {
          command: tradeCommand({ symbol: cell('symbol'), side: cell('side'), amount: cell('amount'), client: textCell('client'), partial: false }),
          opId,
          symbol: undefined,
          side: undefined,
        };
      case 'modify':
      case 'remove': {
        const symbol = cell('symbol');
        const side = cell('side');
        const orderId = cell('order_id');
        return {
          command: action === 'modify' ? modifyCommand({ orderId, amount: cell('amount'), price: cell('price') }) : removeCommand({ orderId }),
          opId,
          symbol: symbol ? parseSymbol(symbol) : undefined,
          side: side ? parseSide(side) : undefined,
        };
      }
    }
  }

  /** Every problem of a row, cell by cell. */
  private problems(action: Action, cells: string[]): CellProblem[] {
    const problems: CellProblem[] = [];
    const article = action === 'add' ? 'an' : 'a';
    for (const { column, required, check } of RULES[action]) {
      const value = this.header.cell(cells, column);
      if (value === undefined || value === '') {
        if (!required) continue;
        const why = value === undefined ? `the header has no ${column} column` : 'the cell is empty';
        problems.push({ field: column, message: `is required for ${article} ${action} row, but ${why}` });
        continue;
      }
      const problem = cellProblem(column, value, check);
      if (problem) problems.push(problem);
    }
    if (action === 'modify' && !this.header.cell(cells, 'amount') && !this.header.cell(cells, 'price')) {
      problems.push({ field: 'amount', message: 'a modify row needs amount, price or both, and both are empty' });
    }
    const opId = this.header.cell(cells, 'op_id');
    if (opId) {
      const problem = cellProblem('op_id', opId, (value, field) => parseOpId(unprotectText(value), field, { importRow: true }));
      if (problem) problems.push(problem);
      else if (problems.length === 0) {
        const derived = cellProblem('op_id', opId, () => checkDerived(this.build(action, cells, unprotectText(opId))));
        if (derived) problems.push(derived);
      }
    }
    for (const column of COLUMNS) {
      const at = this.header.at[column];
      if (at >= 0 && this.mustBeEmpty[action].includes(at) && (cells[at] ?? '') !== '') {
        problems.push({ field: column, message: `does not apply to ${article} ${action} row: leave it empty` });
      }
    }
    for (const at of this.header.unnamed) {
      if ((cells[at] ?? '') !== '') problems.push({ field: `column ${at + 1}`, message: `has ${JSON.stringify(cells[at])} but the header gives the column no name` });
    }
    const extra = cells.slice(this.header.names.length).filter((value) => value !== '');
    if (extra.length > 0) {
      const shown = extra.slice(0, SHOWN_EXTRA).map((value) => showValue(value)).join(', ');
      const rest = extra.length > SHOWN_EXTRA ? ` and ${extra.length - SHOWN_EXTRA} more` : '';
      problems.push({ field: 'row', message: `has ${cells.length} cells but the header has ${this.header.names.length} (extra: ${shown}${rest})` });
    }
    return problems;
  }
}

/** An `import:` id in an op_id cell must be the one this row's content derives (see derivedFor). */
function checkDerived(request: RowRequest): RowRequest {
  const { opId } = request;
  if (opId !== undefined && opId.startsWith('import:') && !derivedFor(opId, request.command)) {
    throw invalid('op_id', opId, 'is an id oms derived for another row (import: is reserved; a --rejects file keeps it only on an unchanged row): clear the cell to import this row under a new id');
  }
  return request;
}

function cellProblem(column: Column, value: string, check: CellRule['check']): CellProblem | undefined {
  try {
    check(value, column);
    return undefined;
  } catch (error) {
    if (!(error instanceof OmsError) || error.code !== 'INVALID_ARGUMENT') throw error;
    const prefix = `${column}: `;
    const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    return { field: column, message: message + (NUMERIC.has(column) ? spreadsheetHint(value) : '') };
  }
}

/** Why a number a spreadsheet wrote is not taken as it looks. */
function spreadsheetHint(value: string): string {
  if (SCIENTIFIC.test(value)) return '; a spreadsheet wrote it in scientific notation, which may have lost digits: format the column as text or a plain number and export again';
  if (value.includes(',')) {
    return '; the comma is a spreadsheet\'s thousands separator or decimal comma: write plain digits, with "." before any decimals (or, for a file from a comma-decimal locale, import it with --decimal-comma)';
  }
  return '';
}
