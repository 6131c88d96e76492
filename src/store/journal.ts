// The journal: an append-only file of JSON lines, one per operation, after a
// header line. A line is a transaction by itself, or a member of a batch
// (`"in":1`) that counts only once its closing `{"seq":N,"end":count}` line is
// there. A commit is the line(s) written and fsynced. Reading it back tells a
// torn tail (an unfinished last line or batch: discarded) from damage (a bad
// line followed by more, a sequence gap: STATE_CORRUPT naming the byte).

import fs from 'node:fs';
import { OmsError } from '../core/errors.js';
import type { OperationRecord } from '../core/ledger.js';
import type { Convention } from '../core/types.js';
import { ioError, writeAll } from './durable.js';
import { fill, readLater, readNow, type ReadSteps } from './reads.js';

export const JOURNAL_SCHEMA = 1;

export interface JournalHeader {
  oms: 'journal';
  schema: number;
  id: string;
  convention: Convention;
  createdAt: string;
  /** Sequence number the journal starts after (0, or a salvage's base). */
  baseSeq: number;
}

export interface BatchEnd {
  seq: number;
  end: number;
  at: number;
  batch?: string;
}

export function encodeHeader(header: JournalHeader): string {
  return `${JSON.stringify(header)}\n`;
}

/** One journal line; built by hand because an import writes a million of them. */
export function encodeRecord(record: OperationRecord, inBatch: boolean): string {
  const { seq, at, op, cmd, res, ended } = record;
  const head = `{"seq":${seq},${inBatch ? '"in":1,' : ''}"at":${at},"op":${JSON.stringify(op)},"cmd":${JSON.stringify(cmd)}`;
  return `${head}${res === undefined ? '' : `,"res":${JSON.stringify(res)}`}${ended === undefined ? '' : `,"ended":${JSON.stringify(ended)}`}}\n`;
}

export function encodeBatchEnd(end: BatchEnd): string {
  return `${JSON.stringify(end)}\n`;
}

export interface Line {
  text: string;
  offset: number;
  /** Offset just past this line's newline (or past its last byte if it has none). */
  next: number;
  /** False for a final line without its newline. */
  complete: boolean;
}

/** A line ran past the reader's limit: damage, not something to read on into memory. */
export class LineTooLong extends Error {
  override readonly name = 'LineTooLong';
}

/** Reads lines from an open file, forward, in large chunks. */
export class LineReader {
  private buffer: Buffer = Buffer.alloc(0);
  private bufferStart = 0;
  private position: number;

  constructor(
    private readonly fd: number,
    start: number,
    private end: number,
    private readonly chunk = 1 << 20,
    /** The bytes from `start` on, already read: lines are served from them, nothing more is read. */
    preloaded?: Buffer,
    private readonly maxLine = Infinity,
  ) {
    this.position = start;
    if (preloaded) {
      this.buffer = preloaded;
      this.bufferStart = start;
      this.end = Math.min(end, start + preloaded.length);
    }
  }

  seek(offset: number): void {
    this.position = offset;
  }

  next(): Line | undefined {
    if (this.position >= this.end) return undefined;
    for (;;) {
      const from = this.position - this.bufferStart;
      if (from >= 0 && from <= this.buffer.length) {
        const newline = this.buffer.indexOf(10, from);
        if (newline >= 0) {
          const line = { text: this.buffer.toString('utf8', from, newline), offset: this.position, next: this.bufferStart + newline + 1, complete: true };
          this.position = line.next;
          return line;
        }
        if (this.buffer.length - from > this.maxLine) throw new LineTooLong(`a line at byte ${this.position} is longer than ${this.maxLine} bytes`);
        if (this.bufferStart + this.buffer.length >= this.end) {
          const line = { text: this.buffer.toString('utf8', from), offset: this.position, next: this.end, complete: false };
          this.position = this.end;
          return line;
        }
      }
      this.fill();
    }
  }

  /** Loads from the current position, keeping the partial line already read. */
  private fill(): void {
    const from = this.position - this.bufferStart;
    const kept = from >= 0 && from <= this.buffer.length ? this.buffer.subarray(from) : Buffer.alloc(0);
    // Never more than one byte past the longest line allowed: enough to tell it is too long.
    const size = Math.min(Math.max(this.chunk, kept.length * 2), this.end - this.position, this.maxLine + 2);
    const next = Buffer.allocUnsafe(size);
    kept.copy(next, 0);
    let filled = kept.length;
    while (filled < size) {
      const read = fs.readSync(this.fd, next, filled, size - filled, this.position + filled);
      if (read === 0) {
        // The file shrank under us (a writer cut a torn tail or rolled back):
        // what we have is all there is, and its end reads as unfinished.
        this.end = this.position + filled;
        break;
      }
      filled += read;
    }
    this.buffer = next.subarray(0, filled);
    this.bufferStart = this.position;
  }
}

export interface TailScan {
  /** Offset just past the last complete transaction. */
  end: number;
  /** Sequence number of the last complete transaction. */
  seq: number;
  /** Bytes after `end` that are an unfinished write (torn, or in flight). */
  tornBytes: number;
}

export function corrupt(file: string, byte: number, problem: string): OmsError {
  return new OmsError('STATE_CORRUPT', `${file}: ${problem} at byte ${byte}`, { file, byte });
}

function parseLine(line: Line): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line.text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Reported by the caller, which knows whether this line is the last.
  }
  return undefined;
}

function batchEndPrefix(seq: number): string {
  return `{"seq":${seq},"end":`;
}

/**
 * Visits every complete transaction from `start` (where sequence `afterSeq`
 * ended) to `end`, in order. A batch is found whole before any of it is
 * visited, so a reader never applies half of one.
 */
export function scanJournal(
  fd: number,
  file: string,
  start: number,
  end: number,
  afterSeq: number,
  visit: (record: OperationRecord, offset: number) => void,
  /** Called after each complete transaction with the offset just past it. */
  onTransaction?: (end: number, seq: number) => void,
  /** The bytes from `start` to `end`, when the caller has read them already (without blocking). */
  preloaded?: Buffer,
): TailScan {
  const reader = new LineReader(fd, start, end, undefined, preloaded);
  let seq = afterSeq;
  let position = start;
  for (;;) {
    const line = reader.next();
    if (!line) break;
    const record = line.complete ? parseLine(line) : undefined;
    if (!record) {
      if (line.next >= end) break;
      throw corrupt(file, line.offset, line.complete ? 'a journal line is not valid JSON' : 'a journal line is cut short');
    }
    if (record['seq'] !== seq + 1) {
      throw corrupt(file, line.offset, `expected operation ${seq + 1} but found ${JSON.stringify(record['seq'] ?? null)}`);
    }
    if (record['end'] !== undefined) throw corrupt(file, line.offset, 'a batch ends that never began');
    if (record['in'] === 1) {
      const batchEnd = findBatchEnd(reader, file, seq + 1);
      if (batchEnd === undefined) break;
      reader.seek(line.offset);
      let members = 0;
      for (;;) {
        const member = reader.next() as Line;
        if (member.offset === batchEnd.offset) break;
        const parsed = parseLine(member);
        if (!parsed || parsed['seq'] !== seq + 1 || parsed['in'] !== 1) throw corrupt(file, member.offset, `a line inside batch ${seq + 1} is damaged`);
        visit(parsed as unknown as OperationRecord, member.offset);
        members++;
      }
      if (members !== batchEnd.count) throw corrupt(file, batchEnd.offset, `batch ${seq + 1} has ${members} lines but says ${batchEnd.count}`);
      reader.seek(batchEnd.next);
      position = batchEnd.next;
    } else {
      visit(record as unknown as OperationRecord, line.offset);
      position = line.next;
    }
    seq++;
    onTransaction?.(position, seq);
  }
  return { end: position, seq, tornBytes: end - position };
}

/**
 * Visits the records of a range that is known to end at a transaction
 * boundary (it is covered by a snapshot or an index), so an unfinished end
 * there is damage, not a write in flight.
 */
export function scanCommitted(
  fd: number,
  file: string,
  start: number,
  end: number,
  afterSeq: number,
  visit: (record: OperationRecord, offset: number) => void,
): void {
  const scan = scanJournal(fd, file, start, end, afterSeq, visit);
  if (scan.tornBytes > 0) throw corrupt(file, scan.end, 'an operation that a checkpoint already covers is unreadable');
}

/** Looks ahead for a batch's closing line without parsing its members. */
function findBatchEnd(reader: LineReader, file: string, seq: number): { offset: number; next: number; count: number } | undefined {
  const prefix = batchEndPrefix(seq);
  const member = `{"seq":${seq},"in":1,`;
  for (;;) {
    const line = reader.next();
    if (!line || !line.complete) return undefined;
    if (line.text.startsWith(prefix)) {
      const parsed = JSON.parse(line.text) as BatchEnd;
      return { offset: line.offset, next: line.next, count: parsed.end };
    }
    // Only lines of the batch may follow an open batch: a complete other line
    // means the batch was abandoned without being cut off, which is damage.
    if (!line.text.startsWith(member)) throw corrupt(file, line.offset, `batch ${seq} is interrupted by another line`);
  }
}

/** The line starting at `offset`, read in growing pieces until its newline (or the end of the file). */
function* lineAt(fd: number, offset: number): ReadSteps<string> {
  let size = 512;
  for (;;) {
    const buffer = Buffer.allocUnsafe(size);
    const read = yield { fd, buffer, length: size, position: offset };
    const newline = buffer.indexOf(10);
    if (newline >= 0 && newline < read) return buffer.toString('utf8', 0, newline);
    if (read < size) return buffer.toString('utf8', 0, read);
    size *= 4;
  }
}

/** Reads one line starting at `offset`. */
export function readLineAt(fd: number, offset: number): string {
  return readNow(lineAt(fd, offset));
}

/**
 * Reads lines by offset through one cached block, so lookups that walk the
 * journal in order (a re-import) cost a read per block, not per line. Only
 * committed bytes (before `committedEnd`) are kept: they never change, while
 * bytes after them may be a torn tail that a writer cuts and overwrites.
 */
export class JournalBlocks {
  private block = Buffer.alloc(0);
  private start = -1;

  constructor(
    private readonly fd: number,
    private readonly size = 1 << 16,
  ) {}

  /** The line at `offset` (an archive lookup), as steps: a line in the cached block costs no read at all. */
  *line(offset: number, committedEnd: number): ReadSteps<string> {
    const from = offset - this.start;
    if (this.start >= 0 && from >= 0 && from < this.block.length) {
      const newline = this.block.indexOf(10, from);
      if (newline >= 0) return this.block.toString('utf8', from, newline);
    }
    if (offset >= committedEnd) return yield* lineAt(this.fd, offset);
    const block = Buffer.allocUnsafe(Math.min(this.size, committedEnd - offset));
    const read = yield { fd: this.fd, buffer: block, length: block.length, position: offset };
    const newline = block.indexOf(10);
    if (newline < 0 || newline >= read) return yield* lineAt(this.fd, offset);
    this.block = block.subarray(0, read);
    this.start = offset;
    return this.block.toString('utf8', 0, newline);
  }
}

/** The bytes of [start, end) without blocking; fewer if the file is shorter now. */
export async function readRange(fd: number, start: number, end: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(end - start);
  return buffer.subarray(0, await readLater(fill(fd, buffer, start)));
}

export function readHeader(fd: number, file: string): { header: JournalHeader; length: number } {
  const text = readLineAt(fd, 0);
  let header: JournalHeader;
  try {
    header = JSON.parse(text) as JournalHeader;
  } catch {
    throw corrupt(file, 0, 'the journal header is not valid JSON');
  }
  if (header.oms !== 'journal' || typeof header.id !== 'string') throw corrupt(file, 0, 'the journal header is not an oms journal header');
  if (header.schema > JOURNAL_SCHEMA) {
    throw new OmsError('STATE_CORRUPT', `${file} was written by a newer oms (journal schema ${header.schema}; this oms reads up to ${JOURNAL_SCHEMA}): upgrade oms; the file is not damaged`, { file });
  }
  return { header, length: Buffer.byteLength(text) + 1 };
}

/** Appends lines at a known end, buffering until flush; fsync on sync. */
export class JournalWriter {
  private pending: string[] = [];
  private pendingBytes = 0;
  /** Offset up to which bytes are in the file (not necessarily on disk). */
  flushed: number;

  constructor(
    private readonly fd: number,
    private readonly file: string,
    /** Offset where the next line goes. */
    public end: number,
  ) {
    this.flushed = end;
  }

  /** Queues a line; returns the offset it will have. */
  append(line: string): number {
    const offset = this.end;
    const bytes = Buffer.byteLength(line);
    this.pending.push(line);
    this.pendingBytes += bytes;
    this.end += bytes;
    if (this.pendingBytes >= 1 << 20) this.flush();
    return offset;
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const data = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    try {
      writeAll(this.fd, data, this.flushed);
    } catch (error) {
      throw ioError(error, this.file, 'append to');
    }
    this.flushed = this.end;
  }

  sync(): void {
    this.flush();
    try {
      fs.fsyncSync(this.fd);
    } catch (error) {
      throw ioError(error, this.file, 'fsync');
    }
  }

  /** Drops everything after `offset` (an aborted batch, a torn tail). */
  truncate(offset: number): void {
    this.pending = [];
    this.pendingBytes = 0;
    fs.ftruncateSync(this.fd, offset);
    this.end = offset;
    this.flushed = offset;
  }
}
