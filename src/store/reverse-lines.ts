// Reads a file's lines from the end backwards in large chunks, so `history`
// and `trades` show the newest operations first without reading what they
// do not show.

import fs from 'node:fs';

export interface BackwardLine {
  text: string;
  offset: number;
}

/** Lines wholly inside [start, end), last first; `end` must fall just after a newline. */
export function* readLinesBackward(fd: number, start: number, end: number, chunk = 1 << 18): Generator<BackwardLine> {
  let position = end;
  let carry = Buffer.alloc(0);
  while (position > start) {
    const size = Math.min(chunk, position - start);
    position -= size;
    const block = Buffer.allocUnsafe(size);
    let done = 0;
    while (done < size) {
      const read = fs.readSync(fd, block, done, size - done, position + done);
      if (read === 0) break;
      done += read;
    }
    let buffer = carry.length ? Buffer.concat([block, carry]) : block;
    // Drop the newline that ends the region.
    let stop = buffer.length;
    if (position + buffer.length === end && buffer[stop - 1] === 10) stop--;
    for (let newline = buffer.lastIndexOf(10, stop - 1); newline >= 0; newline = buffer.lastIndexOf(10, stop - 1)) {
      yield { text: buffer.toString('utf8', newline + 1, stop), offset: position + newline + 1 };
      stop = newline;
      if (stop === 0) break;
    }
    carry = buffer.subarray(0, stop);
    buffer = Buffer.alloc(0);
  }
  if (carry.length) yield { text: carry.toString('utf8'), offset: start };
}
