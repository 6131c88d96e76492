// Shared pieces for the import unit tests: a header from a CSV line, a
// Readable that delivers given byte chunks (as a pipe would), and reading
// every record of some bytes through the real reader.

import { Readable } from 'node:stream';
import { expect } from 'vitest';
import { readHeader, type Header } from '../../src/import/columns.js';
import { CsvInput } from '../../src/import/input.js';
import { ProblemList } from '../../src/import/problems.js';
import { CsvReader, type CsvRecord } from '../../src/import/records.js';
import { OmsError } from '../../src/core/errors.js';

export function header(line: string): Header {
  const problems = new ProblemList('test.csv');
  const parsed = readHeader(line.split(','), problems);
  expect(problems.kept).toEqual([]);
  return parsed as Header;
}

/** A stream that hands out these chunks one by one, like stdin fed by a pipe. */
export function chunked(...chunks: (string | Buffer)[]): Readable {
  return Readable.from(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk)));
}

/** The same bytes one at a time: every boundary a chunk can fall on. */
export function byteByByte(data: string | Buffer): Readable {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  return Readable.from([...bytes].map((byte) => Buffer.from([byte])));
}

export interface ReadAll {
  records: CsvRecord[];
  reader: CsvReader;
  input: CsvInput;
  problems: ProblemList;
  error: OmsError | undefined;
}

/** Reads every record of a stream as `oms import -` would. */
export async function readAll(stream: Readable): Promise<ReadAll> {
  const problems = new ProblemList('-');
  const input = CsvInput.open('-', stream, new AbortController().signal, problems);
  const reader = new CsvReader(input, problems);
  const records: CsvRecord[] = [];
  let error: OmsError | undefined;
  try {
    for await (const batch of reader.batches()) records.push(...batch);
  } catch (thrown) {
    if (!(thrown instanceof OmsError)) throw thrown;
    error = thrown;
  }
  return { records, reader, input, problems, error };
}
