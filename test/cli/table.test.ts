// The streaming table renderer (issue 17): for lists up to its first chunk it
// draws exactly what cli-table3 drew (boxed and plain), past it a wider cell
// widens its column, on a terminal it fits the width, and it never holds
// the whole table (a row is rendered when it is asked for).

import Table from 'cli-table3';
import { describe, expect, it } from 'vitest';
import type { TextStyle } from '../../src/text/style.js';
import { FIRST_CHUNK, tableLines, type Column } from '../../src/text/table.js';
import { PLAIN_THEME } from '../../src/text/theme.js';
import { displayWidth } from '../../src/text/width.js';

const COLUMNS: Column[] = [{ title: 'Order', align: 'right' }, { title: 'Symbol' }, { title: 'Source' }, { title: 'Price', align: 'right' }];
const ROWS = [
  ['1', 'JPM', 'desk', '20'],
  ['12345', 'GOOG', '', '25.125'],
  ['7', 'AMZN', '東京 desk', '10'],
];

const PLAIN_CHARS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '',
  right: '', 'right-mid': '', middle: '  ',
};

/** What the CLI printed before, with cli-table3. */
function cliTable3(decorated: boolean, rows: string[][]): string {
  const table = new Table({
    head: COLUMNS.map((column) => column.title),
    colAligns: COLUMNS.map((column) => column.align ?? 'left'),
    style: decorated ? { head: [], border: [] } : { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    ...(decorated ? {} : { chars: PLAIN_CHARS }),
  });
  for (const row of rows) table.push(row);
  const text = table.toString();
  return decorated ? text : text.split('\n').map((line) => line.trimEnd()).join('\n');
}

const style = (decorated: boolean, width?: number): TextStyle => ({ decorated, theme: PLAIN_THEME, width });
const render = (s: TextStyle, rows: Iterable<string[]>): string[] => Array.from(tableLines(s, COLUMNS, rows));

describe('tableLines', () => {
  it('draws small tables exactly as cli-table3 did, boxed and plain', () => {
    for (const decorated of [true, false]) {
      expect(render(style(decorated), ROWS).join('\n')).toBe(cliTable3(decorated, ROWS));
      expect(render(style(decorated), []).join('\n')).toBe(cliTable3(decorated, []));
    }
  });

  it('past the first chunk, a wider cell widens its column from that row on; nothing is cut when piped', () => {
    const rows = Array.from({ length: FIRST_CHUNK + 2 }, (_, i) => [String(i + 1), 'S', 'x', '1']);
    rows[FIRST_CHUNK] = ['1', 'S', 'a much longer source', '1'];
    const lines = render(style(false), rows);
    expect(lines).toHaveLength(FIRST_CHUNK + 3);
    expect(lines[FIRST_CHUNK + 1]).toContain('a much longer source');
    expect(lines[FIRST_CHUNK + 2]!.indexOf('1', 8)).toBe(lines[FIRST_CHUNK + 1]!.lastIndexOf('1'));
  });

  it('on a terminal, fits its width by cutting the widest columns, marking the cut', () => {
    const rows = [['1', 'JPM', 'a source that is far too long for a narrow terminal', '20']];
    for (const decorated of [true, false]) {
      const lines = render(style(decorated, 40), rows);
      for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(40);
      expect(lines.join('\n')).toContain('…');
      expect(lines.join('\n')).toContain('JPM');
    }
  });

  it('renders rows only as they are consumed', () => {
    let produced = 0;
    function* rows(): Generator<string[]> {
      for (let i = 0; ; i++) {
        produced++;
        yield [String(i), 'S', '', '1'];
      }
    }
    const lines = tableLines(style(false), COLUMNS, rows());
    for (let i = 0; i < FIRST_CHUNK + 10; i++) lines.next();
    expect(produced).toBeLessThan(FIRST_CHUNK + 20);
  });
});
