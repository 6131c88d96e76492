// Where an import's bytes come from (a file, or stdin for `-`) and what they
// are. The encoding is told by the first bytes: UTF-8 with or without a BOM,
// or UTF-16 with a BOM; the parser is always handed UTF-8 without a BOM.
// Anything else (Latin-1, UTF-16 without a BOM, UTF-32) is refused with the
// line and byte where it stopped making sense, never guessed: a wrong guess
// would store mangled text for good.

import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import { addAbortSignal, type Readable } from 'node:stream';
import { OmsError } from '../core/errors.js';
import type { ProblemList } from './problems.js';

const CHUNK_BYTES = 1 << 16;
const SAVE_AS = 'save it as UTF-8 (or UTF-16 with a byte-order mark)';

export type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** Bytes opened elsewhere (an object store, src/objectstore): read here like a file. */
export interface ByteSource {
  /** Size in bytes, for progress; undefined when unknown. */
  size: number | undefined;
  /** Errors it throws as OmsError pass through as they are. */
  chunks: AsyncIterable<Buffer>;
}

export class CsvInput {
  /** Bytes read from the source so far (for progress). */
  position = 0;
  encoding: Encoding | undefined;
  /** The source began with a byte-order mark (a rejects file gets one too). */
  bom = false;
  /** Physical line reached in what was handed on, for encoding errors. */
  private line = 1;

  private constructor(
    readonly file: string,
    private readonly source: AsyncIterable<Buffer>,
    /** Size of the file in bytes; undefined for stdin. */
    readonly size: number | undefined,
    private readonly problems: ProblemList,
    /** A ByteSource (an object store): its size cannot be looked at again, only compared with what was read. */
    private readonly openedElsewhere = false,
  ) {}

  /** Opens the file now, so a missing or unreadable one fails before any lock is taken. */
  static open(file: string, stdin: NodeJS.ReadableStream, signal: AbortSignal, problems: ProblemList): CsvInput {
    if (file === '-') return new CsvInput(file, addAbortSignal(signal, stdin as Readable), regularFileSize(stdin), problems);
    let fd: number;
    let size: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (error) {
      throw unreadable(file, error);
    }
    try {
      const stat = fs.fstatSync(fd);
      if (stat.isDirectory()) throw new Error('it is a directory');
      size = stat.size;
    } catch (error) {
      fs.closeSync(fd);
      throw unreadable(file, error);
    }
    return new CsvInput(file, fs.createReadStream('', { fd, highWaterMark: CHUNK_BYTES, signal }), size, problems);
  }

  /** Reads a source the caller opened (and closes); `file` names it in problems. */
  static fromSource(file: string, source: ByteSource, problems: ProblemList): CsvInput {
    return new CsvInput(file, source.chunks, source.size, problems, true);
  }

  /**
   * Once everything is read: why the last row may be cut short, if it may
   * (SPEC §12). A row is complete when a line break follows it; without one,
   * the last row is trusted only from a regular file whose size stayed what
   * it was when opened. A pipe gives no such assurance (a producer killed
   * mid-row just closes it), nor does a file that grew (its writer may be
   * mid-row). A file that shrank was truncated or rewritten while read: none
   * of what was read is trusted.
   */
  finish(endsWithLineBreak: boolean): string | undefined {
    if (this.size === undefined) return endsWithLineBreak ? undefined : 'the input ended without a line break after this row, so it may have been cut short (a producer that stopped mid-row); end the input with a line break';
    const now = this.currentSize();
    if (this.position < this.size || (now !== undefined && now < this.position)) {
      throw this.problems.fatal(1, 'file', `shrank while it was read (${this.size} bytes when opened, ${this.position} read, ${now ?? 'unknown'} now): it was truncated or rewritten; import it again once it is complete`);
    }
    if (endsWithLineBreak || (this.position === this.size && (now === undefined || now === this.size))) return undefined;
    return `the file grew while it was read (${this.size} bytes when opened, ${now ?? this.position} now) and this last row has no line break after it, so it may be cut short; import again once the file is complete`;
  }

  /** The source's size now, if it is a file on this machine (undefined: cannot tell, for a source opened elsewhere). */
  private currentSize(): number | undefined {
    if (this.openedElsewhere) return undefined;
    try {
      return this.file === '-' ? fs.fstatSync(0).size : fs.statSync(this.file).size;
    } catch {
      return undefined;
    }
  }

  /** The source as UTF-8 bytes without a BOM. */
  async *utf8(): AsyncGenerator<Buffer> {
    const raw = this.rawChunks();
    const head = await firstBytes(raw);
    if (head.length === 0) return;
    const encoding = this.identify(head);
    this.encoding = encoding;
    const rest = prepend(this.bom && encoding === 'utf-8' ? head.subarray(3) : head, raw);
    yield* encoding === 'utf-8' ? this.checkUtf8(rest) : this.decodeUtf16(rest, encoding);
  }

  private async *rawChunks(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of this.source) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        this.position += bytes.length;
        yield bytes;
      }
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw new OmsError('INTERRUPTED', 'interrupted while reading the import file; nothing was imported');
      if (error instanceof OmsError) throw error;
      throw unreadable(this.file, error);
    }
  }

  private identify(head: Buffer): Encoding {
    const [b0, b1, b2, b3] = head;
    if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) {
      this.bom = true;
      return 'utf-8';
    }
    if ((b0 === 0xff && b1 === 0xfe && b2 === 0 && b3 === 0) || (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff)) {
      throw this.problems.fatal(1, 'file', `is UTF-32 text, which is not supported: ${SAVE_AS}`);
    }
    if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
      this.bom = true;
      return b0 === 0xff ? 'utf-16le' : 'utf-16be';
    }
    if (head.includes(0)) throw this.problems.fatal(1, 'file', `contains NUL bytes: it looks like UTF-16 or UTF-32 without a byte-order mark; ${SAVE_AS}`);
    return 'utf-8';
  }

  /** Passes UTF-8 through, checking it; a sequence split between chunks is carried over. */
  private async *checkUtf8(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    let carry: Buffer | undefined;
    for await (const chunk of chunks) {
      const data = carry ? Buffer.concat([carry, chunk]) : chunk;
      const cut = data.length - incompleteTail(data);
      const body = data.subarray(0, cut);
      carry = cut < data.length ? Buffer.from(data.subarray(cut)) : undefined;
      if (!isUtf8(body)) {
        const at = firstInvalidByte(body);
        throw this.notUtf8(body, at, `byte 0x${(body[at] ?? 0).toString(16).toUpperCase().padStart(2, '0')} is not UTF-8`);
      }
      this.countLines(body);
      if (body.length > 0) yield body;
    }
    if (carry) throw this.notUtf8(carry, 0, 'it ends in the middle of a character');
  }

  private notUtf8(chunk: Buffer, at: number, what: string): OmsError {
    this.countLines(chunk.subarray(0, at));
    return this.problems.fatal(this.line, 'file', `is not UTF-8 text (${what}): ${SAVE_AS}`);
  }

  private async *decodeUtf16(chunks: AsyncIterable<Buffer>, encoding: Encoding): AsyncGenerator<Buffer> {
    const decoder = new TextDecoder(encoding, { fatal: true });
    const decode = (chunk: Buffer | undefined): Buffer => {
      try {
        return Buffer.from(chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode(), 'utf8');
      } catch {
        throw this.problems.fatal(this.line, 'file', `is not valid ${encoding.toUpperCase()} text: ${SAVE_AS}`);
      }
    };
    for await (const chunk of chunks) {
      const text = decode(chunk);
      this.countLines(text);
      if (text.length > 0) yield text;
    }
    const last = decode(undefined);
    if (last.length > 0) yield last;
  }

  private countLines(bytes: Buffer): void {
    for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) this.line++;
  }
}

/** Stdin redirected from a regular file (`oms import - < rows.csv`) has a size; a pipe or terminal has none. */
function regularFileSize(stdin: NodeJS.ReadableStream): number | undefined {
  const fd = (stdin as { fd?: unknown }).fd;
  if (fd !== 0) return undefined;
  try {
    const stat = fs.fstatSync(fd);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
}

function unreadable(file: string, error: unknown): OmsError {
  const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
  return new OmsError('INVALID_ARGUMENT', `file: cannot read ${JSON.stringify(file)}: ${reason}`, { field: 'file', value: file });
}

/** At least 4 bytes (enough for any byte-order mark), or all there is. */
async function firstBytes(chunks: AsyncIterator<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  let length = 0;
  while (length < 4) {
    const next = await chunks.next();
    if (next.done) break;
    parts.push(next.value);
    length += next.value.length;
  }
  return Buffer.concat(parts);
}

async function* prepend(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  if (head.length > 0) yield head;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/** Bytes at the end that begin a UTF-8 sequence the chunk does not finish. */
function incompleteTail(data: Buffer): number {
  for (let back = 1; back <= Math.min(3, data.length); back++) {
    const byte = data[data.length - back] as number;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

/** Where a chunk that is not UTF-8 goes wrong: the first replacement character that was not in the file. */
function firstInvalidByte(chunk: Buffer): number {
  const text = new TextDecoder('utf-8').decode(chunk);
  for (let at = text.indexOf('\uFFFD'); at >= 0; at = text.indexOf('\uFFFD', at + 1)) {
    const offset = Buffer.byteLength(text.slice(0, at));
    if (!(chunk[offset] === 0xef && chunk[offset + 1] === 0xbf && chunk[offset + 2] === 0xbd)) return offset;
  }
  return 0;
}
