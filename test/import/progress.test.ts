// The progress bar stays silent for a moment, then redraws a bounded number
// of times on one line, and clears itself.

import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../../src/import/progress.js';

function terminal(columns = 200) {
  const writes: string[] = [];
  return { writes, stream: { write: (chunk: string) => writes.push(chunk), columns } };
}

describe('progress bar', () => {
  it('draws nothing during the first second, nor at the end then', () => {
    let now = 0;
    const { writes, stream } = terminal();
    const bar = new ProgressBar(stream, 'orders.csv', 1000, () => now);
    for (now = 0; now < 999; now += 10) bar.update(now, now);
    now = 999;
    bar.committing();
    bar.done();
    expect(writes).toEqual([]);
  });

  it('then shows bytes as a share of the file, at most ten times a second, and clears', () => {
    let now = 0;
    const { writes, stream } = terminal();
    const bar = new ProgressBar(stream, 'orders.csv', 1000, () => now);
    for (now = 1000; now <= 2000; now += 10) bar.update(now * 100, now / 2);
    expect(writes.length).toBeGreaterThanOrEqual(10);
    expect(writes.length).toBeLessThanOrEqual(11);
    expect(writes[0]).toBe('\r\x1b[Kimporting orders.csv [############------------] 50% 100,000 rows, 100,000 rows/s');
    bar.done();
    expect(writes.at(-1)).toBe('\r\x1b[K');
  });

  it('fits the terminal width', () => {
    let now = 0;
    const { writes, stream } = terminal(40);
    const bar = new ProgressBar(stream, 'a-rather-long-file-name.csv', 1000, () => now);
    now = 5000;
    bar.update(1, 1);
    expect(writes).toEqual(['\r\x1b[Kimporting a-rather-long-file-name.csv [']);
  });

  it('shows rows alone for stdin', () => {
    let now = 5000;
    const { writes, stream } = terminal();
    const bar = new ProgressBar(stream, '-', undefined, () => now - 5000);
    now = 7000;
    bar.update(400_000, 123);
    expect(writes).toEqual(['\r\x1b[Kimporting -: 400,000 rows, 200,000 rows/s']);
  });
});
