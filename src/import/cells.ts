// Free-text CSV cells and spreadsheets: a cell that begins with = + - @ tab or
// CR is run as a formula by Excel and friends, so export prefixes it with a
// quote mark ('), which a spreadsheet shows and does not run. A text that
// itself begins with ' gets one too, so import can strip exactly one and the
// round trip export → import gives back the text as it was.

const RISKY = /^[=+\-@\t\r']/;
const UNWRAP = /^'[=+\-@\t\r']/;

export function protectText(text: string | null): string {
  if (text === null) return '';
  return RISKY.test(text) ? `'${text}` : text;
}

export function unprotectText(cell: string): string {
  return UNWRAP.test(cell) ? cell.slice(1) : cell;
}

const NEEDS_QUOTES = /[",\r\n;\t]|^\s|\s$/;

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record with CRLF, as spreadsheets write it; any of , ; tab may delimit. */
export function csvLine(cells: (string | number | null | undefined)[], delimiter = ','): string {
  return `${cells.map(csvCell).join(delimiter)}\r\n`;
}
