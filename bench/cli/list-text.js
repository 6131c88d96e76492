// `oms orders` in text against `--json` on the same live orders (issue 17:
// text within 3x of JSON): `npm run build && node bench/cli/list-text.js [liveOrders]`.
// Builds a state in a temp directory by `oms import` of a generated CSV
// (100 symbols, bids and asks that never cross), then times both to
// /dev/null in interleaved rounds and prints the medians and their ratio.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { OMS } from '../lib/paths.js';
import { median } from '../lib/stats.js';

const live = Number(process.argv[2] ?? 100_000);
const ROUNDS = 5;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-bench-list-'));
try {
  const state = path.join(dir, 'state.json');
  const csv = path.join(dir, 'orders.csv');
  const rows = ['order_id,symbol,side,amount,price'];
  for (let i = 0; i < live; i++) {
    const buy = i % 2 === 0;
    rows.push(`${i + 1},SYM${String(i % 100).padStart(3, '0')},${buy ? 'Buy' : 'Sell'},${1 + (i % 100)},${buy ? 1000 - (i % 500) : 1001 + (i % 500)}`);
  }
  fs.writeFileSync(csv, `${rows.join('\n')}\n`);
  const built = spawnSync(process.execPath, [OMS, '--state', state, '--quiet', 'import', csv], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`oms import: exit ${built.status}: ${built.stderr}`);
  const time = (args) => {
    const start = performance.now();
    const run = spawnSync(process.execPath, [OMS, '--state', state, ...args], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`oms ${args.join(' ')}: exit ${run.status}: ${run.stderr}`);
    return performance.now() - start;
  };
  const json = [];
  const text = [];
  for (let round = 0; round < ROUNDS; round++) {
    json.push(time(['--json', 'orders']));
    text.push(time(['orders']));
  }
  const [j, t] = [median(json), median(text)];
  process.stdout.write(`${live} live orders: --json orders ${j.toFixed(0)} ms, orders (text) ${t.toFixed(0)} ms, ratio ${(t / j).toFixed(2)} (median of ${ROUNDS})\n`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
