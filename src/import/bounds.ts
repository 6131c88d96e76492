// Limits on one CSV record (SPEC §12), checked on the bytes before csv-parse
// buffers them: csv-parse would hold a 100 MB cell, or a row of millions of
// empty cells, in memory before any rule could refuse it. This follows the
// quoting just as the parser does (a quote opens a quoted cell only at its
// start, "" inside one is a quote) to know where cells and records end, and
// ends the import at the first record over a limit, naming the line it
// starts on. It also notes whether the input ended with a line break, which
// tells a complete last row from one cut short.

import type { Delimiter } from './dialect.js';
import type { ProblemList } from './problems.js';

/** Bytes (UTF-8) of one cell's content (quotes around it not counted): far above any real cell (the longest, a rejects file's error, stays under 4 KiB). */
export const MAX_FIELD_BYTES = 16 * 1024;
/** Bytes (UTF-8) in one record, delimiters and line breaks inside quotes included. */
export const MAX_RECORD_BYTES = 64 * 1024;
/** Cells in one record: the header has at most ten named columns; spreadsheets pad with some empty ones. */
export const MAX_CELLS = 1024;

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

export class RecordBounds {
  /** The last byte seen was a line break outside quotes (or nothing was seen). */
  endsWithLineBreak = true;
  private readonly delimiter: number;
  private quoting = false;
  /** Inside quotes, a quote was seen: the next byte says whether it closes the cell or is an escaped quote. */
  private quoteSeen = false;
  /** Only spaces and tabs so far in this cell: a quote here opens a quoted cell. */
  private cellStart = true;
  private cellBytes = 0;
  private recordBytes = 0;
  private cells = 1;
  private line = 1;
  private recordLine = 1;
  private afterCR = false;

  constructor(
    delimiter: Delimiter,
    private readonly problems: ProblemList,
  ) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Checks the next bytes; throws the import's fatal CSV_INVALID at the first record over a limit. */
  scan(chunk: Buffer): void {
    // Where the next quote and CR are in this chunk (-1: none left), found natively and reused across rows.
    let nextQuote = -2;
    let nextCR = -2;
    for (let at = 0; at < chunk.length; ) {
      if (this.atRecordStart()) {
        // The common case in one step: a row shorter than MAX_CELLS bytes with no quote and no lone CR is
        // under every limit, so it only needs its line counted.
        const lf = chunk.indexOf(LF, at);
        if (lf >= 0 && lf - at < MAX_CELLS) {
          if (nextQuote !== -1 && nextQuote < at) nextQuote = chunk.indexOf(QUOTE, at);
          if (nextCR !== -1 && nextCR < at) nextCR = chunk.indexOf(CR, at);
          if ((nextQuote === -1 || nextQuote > lf) && (nextCR === -1 || nextCR >= lf - 1)) {
            this.line++;
            this.recordLine = this.line;
            this.endsWithLineBreak = true;
            at = lf + 1;
            continue;
          }
        }
      }
      this.step(chunk[at] as number);
      at++;
    }
  }

  private atRecordStart(): boolean {
    return !this.quoting && !this.afterCR && this.recordBytes === 0 && this.cells === 1 && this.cellBytes === 0;
  }

  private step(byte: number): void {
    if (byte === LF || byte === CR) {
      if (byte === CR || !this.afterCR) this.line++;
      this.afterCR = byte === CR;
    } else {
      this.afterCR = false;
    }
    if (this.quoting) {
      if (this.quoteSeen) {
        this.quoteSeen = false;
        if (byte !== QUOTE) {
          this.quoting = false;
          this.unquoted(byte);
          return;
        }
      } else if (byte === QUOTE) {
        // Not counted yet: it closes the cell, or with the next quote stands for one.
        this.quoteSeen = true;
        return;
      }
      this.grow();
      return;
    }
    this.unquoted(byte);
  }

  private unquoted(byte: number): void {
    if (byte === LF || byte === CR) {
      this.endsWithLineBreak = true;
      this.cellStart = true;
      this.cellBytes = 0;
      this.recordBytes = 0;
      this.cells = 1;
      this.recordLine = this.line;
      return;
    }
    this.endsWithLineBreak = false;
    if (byte === this.delimiter) {
      this.cellStart = true;
      this.cellBytes = 0;
      this.recordBytes++;
      if (++this.cells > MAX_CELLS) throw this.over(`the row has more than ${MAX_CELLS} cells, the limit for one row`);
      if (this.recordBytes > MAX_RECORD_BYTES) throw this.over(`the row is longer than ${MAX_RECORD_BYTES} bytes, the limit for one row`);
      return;
    }
    if (byte === QUOTE && this.cellStart) {
      this.quoting = true;
      this.cellStart = false;
      return;
    }
    if (byte !== SPACE && byte !== TAB) this.cellStart = false;
    this.grow();
  }

  private grow(): void {
    this.endsWithLineBreak = false;
    if (++this.cellBytes > MAX_FIELD_BYTES) throw this.over(`a cell is longer than ${MAX_FIELD_BYTES} bytes, the limit for one cell`);
    if (++this.recordBytes > MAX_RECORD_BYTES) throw this.over(`the row is longer than ${MAX_RECORD_BYTES} bytes, the limit for one row`);
  }

  private over(what: string): Error {
    return this.problems.fatal(this.recordLine, 'csv', `${what} (is this an import file?)`);
  }
}
