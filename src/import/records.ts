// The records of a CSV file, streamed through csv-parse a chunk at a time,
// each with the physical line it starts on: SPEC §4 reports problems by that
// line, and csv-parse's own counter counts a CRLF inside quotes twice, so
// lines are counted here (one per record plus the line breaks inside its
// cells). Blank lines and rows of empty cells (a spreadsheet's empty rows)
// are skipped. A syntax error (a quote never closed) ends the import: after
// it, nothing says where the next record begins.

import type { CsvError, Parser } from 'csv-parse';
import { MAX_RECORD_BYTES, RecordBounds } from './bounds.js';
import { detectDelimiter, firstLine, type Delimiter } from './dialect.js';
import type { CsvInput } from './input.js';
import type { ProblemList } from './problems.js';

/** Bytes read before the delimiter is decided, if no line break comes sooner. */
const HEADER_PEEK_BYTES = 64 * 1024;

export interface CsvRecord {
  /** Physical line where the record starts; the header is line 1. */
  line: number;
  cells: string[];
  /** Set on a last row that may be cut short (see CsvInput.finish): why it is not imported. */
  cut?: string;
}

const SYNTAX: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted cell that starts in this record is never closed',
  CSV_INVALID_CLOSING_QUOTE: 'a quoted cell is followed by other text before the delimiter (inside quotes, write a quote as "")',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'a quoted cell is followed by other text before the delimiter (inside quotes, write a quote as "")',
  CSV_MAX_RECORD_SIZE: `the row is longer than ${MAX_RECORD_BYTES} bytes, the limit for one row (is this an import file?)`,
};

export class CsvReader {
  delimiter: Delimiter = ',';
  private nextLine = 1;

  constructor(
    private readonly input: CsvInput,
    private readonly problems: ProblemList,
  ) {}

  /** Records in order, a chunk's worth at a time. */
  async *batches(): AsyncGenerator<CsvRecord[]> {
    const chunks = this.input.utf8()[Symbol.asyncIterator]();
    const head = await peekHeader(chunks);
    this.delimiter = detectDelimiter(firstLine(head.toString('utf8')));
    const { parse } = await import('csv-parse');
    const parser: Parser = parse({
      delimiter: this.delimiter,
      record_delimiter: ['\r\n', '\n', '\r'],
      trim: true,
      relax_column_count: true,
      relax_quotes: true,
      // RecordBounds refuses such a record first; this only keeps csv-parse bounded if the two ever disagree.
      max_record_size: MAX_RECORD_BYTES,
    });
    const bounds = new RecordBounds(this.delimiter, this.problems);
    const parsed: string[][] = [];
    let failure: Error | undefined;
    parser.on('data', (cells: string[]) => parsed.push(cells));
    parser.on('error', (error: Error) => {
      failure ??= error;
    });
    const feed = (chunk: Buffer | undefined): Promise<void> =>
      new Promise((resolve) => {
        if (chunk) parser.write(chunk, () => resolve());
        else parser.end(() => resolve());
      });
    for (let chunk: Buffer | undefined = head.length > 0 ? head : undefined; chunk; ) {
      bounds.scan(chunk);
      await feed(chunk);
      const records = this.take(parsed);
      if (records.length > 0) yield records;
      if (failure) throw this.syntaxError(failure);
      const next = await chunks.next();
      chunk = next.done ? undefined : next.value;
    }
    await feed(undefined);
    const last = this.take(parsed);
    if (failure) throw this.syntaxError(failure);
    const cut = this.input.finish(bounds.endsWithLineBreak);
    const final = last[last.length - 1];
    if (cut !== undefined && final !== undefined && !bounds.endsWithLineBreak) final.cut = cut;
    if (last.length > 0) yield last;
  }

  /** Numbers the parsed cells by line and drops blank rows. */
  private take(parsed: string[][]): CsvRecord[] {
    const records: CsvRecord[] = [];
    for (const cells of parsed) {
      const line = this.nextLine;
      this.nextLine += 1 + lineBreaksIn(cells);
      if (!isBlank(cells)) records.push({ line, cells });
    }
    parsed.length = 0;
    return records;
  }

  private syntaxError(error: Error): Error {
    const code = (error as CsvError).code;
    if (code === undefined) return error;
    return this.problems.fatal(this.nextLine, 'csv', SYNTAX[code] ?? error.message);
  }
}

/** Reads until the first line break (or a fair amount): enough to see the header. */
async function peekHeader(chunks: AsyncIterator<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  let length = 0;
  while (length < HEADER_PEEK_BYTES) {
    const next = await chunks.next();
    if (next.done) break;
    parts.push(next.value);
    length += next.value.length;
    if (next.value.includes(10) || next.value.includes(13)) break;
  }
  return Buffer.concat(parts);
}

function lineBreaksIn(cells: string[]): number {
  let breaks = 0;
  for (const cell of cells) {
    if (cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) continue;
    breaks += cell.match(/\r\n|\r|\n/g)?.length ?? 0;
  }
  return breaks;
}

function isBlank(cells: string[]): boolean {
  for (const cell of cells) if (cell !== '') return false;
  return true;
}
