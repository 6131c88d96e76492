// Printing text that may be long (a list of 100k orders): lines are written
// in chunks as they are produced, waiting for a slow reader, and between
// chunks the event loop turns so a SIGINT/SIGTERM is seen and stops the
// printing at once (INTERRUPTED, exit 130/143) instead of after the last row.

import { setImmediate as nextTurn } from 'node:timers/promises';
import { OmsError } from '../core/errors.js';
import type { OutputStream } from './style.js';

/** Text produced line by line as it is printed (no trailing newlines in the lines). */
export interface Lines {
  readonly lines: Iterable<string>;
}

export type Printable = string | Lines;

export function lines(source: Iterable<string>): Lines {
  return { lines: source };
}

const CHUNK_CHARS = 64 * 1024;

interface Drainable {
  once(event: 'drain' | 'close' | 'error', listener: () => void): unknown;
  removeListener(event: 'drain' | 'close' | 'error', listener: () => void): unknown;
}

function drained(out: OutputStream): Promise<void> {
  const stream = out as OutputStream & Partial<Drainable>;
  if (typeof stream.once !== 'function' || typeof stream.removeListener !== 'function') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      for (const event of ['drain', 'close', 'error'] as const) stream.removeListener!(event, done);
      resolve();
    };
    for (const event of ['drain', 'close', 'error'] as const) stream.once!(event, done);
  });
}

function interrupted(): OmsError {
  return new OmsError('INTERRUPTED', 'interrupted: the rest of the output was not printed');
}

/** Writes the text with a final newline (nothing for empty text). */
export async function print(out: OutputStream, text: Printable, signal: AbortSignal): Promise<void> {
  if (typeof text === 'string') {
    if (text !== '') out.write(text.endsWith('\n') ? text : `${text}\n`);
    return;
  }
  let chunk = '';
  const flush = async (): Promise<void> => {
    const full = out.write(chunk) === false;
    chunk = '';
    if (full) await drained(out);
    await nextTurn();
    if (signal.aborted) throw interrupted();
  };
  for (const line of text.lines) {
    chunk += `${line}\n`;
    if (chunk.length >= CHUNK_CHARS) await flush();
  }
  if (chunk !== '') out.write(chunk);
}
