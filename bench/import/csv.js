// The import workload: a CSV of new orders in the import columns
// (order_id,symbol,side,amount,price), 100 symbols, integer prices where bids
// and asks never cross, written in chunks so the generator itself stays small.

import fs from 'node:fs';
import { seededRandom } from '../lib/random.js';

const CHUNK_ROWS = 50_000;

export function writeAddCsv(file, rows, seed = 7) {
  const random = seededRandom(seed);
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, 'order_id,symbol,side,amount,price\n');
    for (let first = 1; first <= rows; first += CHUNK_ROWS) {
      const lines = [];
      for (let id = first; id < first + CHUNK_ROWS && id <= rows; id++) {
        const symbol = `SYM${String(random.int(0, 99)).padStart(3, '0')}`;
        const buy = random.int(0, 1) === 0;
        const level = random.int(0, 499);
        lines.push(`${id},${symbol},${buy ? 'Buy' : 'Sell'},${random.int(1, 100)},${buy ? 9999 - level : 10001 + level}\n`);
      }
      fs.writeSync(fd, lines.join(''));
    }
  } finally {
    fs.closeSync(fd);
  }
  return fs.statSync(file).size;
}
