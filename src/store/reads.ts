// Reading files as steps, so that one piece of logic serves both a blocking
// reader (a one-shot command has nothing else to do meanwhile) and a
// non-blocking one (`oms serve` must not stall every request on the disk):
// the steps yield each read they need and are given back the bytes it read;
// `readNow` and `readLater` carry the reads out.

import fs from 'node:fs';
import { promisify } from 'node:util';

/** One read: `length` bytes of `fd` at `position` into `buffer` (from its start). */
export interface Read {
  fd: number;
  buffer: Buffer;
  length: number;
  position: number;
}

/** Reading logic as steps: yields reads, is given the number of bytes each read, returns its answer. */
export type ReadSteps<T> = Generator<Read, T, number>;

/** Runs `steps`, reading with blocking calls. */
export function readNow<T>(steps: ReadSteps<T>): T {
  let step = steps.next();
  while (!step.done) {
    const { fd, buffer, length, position } = step.value;
    let bytesRead: number;
    try {
      bytesRead = fs.readSync(fd, buffer, 0, length, position);
    } catch (error) {
      step = steps.throw(error);
      continue;
    }
    step = steps.next(bytesRead);
  }
  return step.value;
}

const readAsync = promisify(fs.read);

/** `readLater` gave up: `stop()` said so after a read (or after a read failed). */
export const STOPPED = Symbol('stopped');

/**
 * Runs `steps` without blocking. With `stop`, it is asked after every read
 * (the file may have been closed and replaced meanwhile): true abandons the
 * steps and answers STOPPED, as does a read that failed while it is true.
 */
export function readLater<T>(steps: ReadSteps<T>): Promise<T>;
export function readLater<T>(steps: ReadSteps<T>, stop: () => boolean): Promise<T | typeof STOPPED>;
export async function readLater<T>(steps: ReadSteps<T>, stop?: () => boolean): Promise<T | typeof STOPPED> {
  let step = steps.next();
  while (!step.done) {
    const { fd, buffer, length, position } = step.value;
    let bytesRead: number;
    try {
      ({ bytesRead } = await readAsync(fd, buffer, 0, length, position));
    } catch (error) {
      if (stop?.()) return STOPPED;
      step = steps.throw(error);
      continue;
    }
    if (stop?.()) {
      steps.return(undefined as T);
      return STOPPED;
    }
    step = steps.next(bytesRead);
  }
  return step.value;
}

/** Fills `buffer` from `position`, stopping early at the end of the file; returns the bytes read. */
export function* fill(fd: number, buffer: Buffer, position: number): ReadSteps<number> {
  let done = 0;
  while (done < buffer.length) {
    const read = yield { fd, buffer: buffer.subarray(done), length: buffer.length - done, position: position + done };
    if (read === 0) break;
    done += read;
  }
  return done;
}
