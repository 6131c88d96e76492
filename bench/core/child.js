// One engine, one process: `node --expose-gc bench/core/child.js <oms|peer>
// <full|quick> <seed>` warms the engine up on a small workload of its own,
// then replays the measured workload phase by phase and prints one JSON line:
// operations and milliseconds per phase, heap bytes per live order after the
// adds, and checksums of the totals so the parent can see both engines
// computed the same prices and trades.

import { performance } from 'node:perf_hooks';
import { ENGINES } from './engines.js';
import { FULL_SCALE, QUICK_SCALE, WARMUP_SCALE, generateWorkload } from './workload.js';

const [engineName, scaleName, seedText] = process.argv.slice(2);
const makeEngine = ENGINES[engineName];
if (!makeEngine || typeof globalThis.gc !== 'function') {
  throw new Error('usage: node --expose-gc bench/core/child.js <oms|peer> <full|quick> <seed>');
}
const seed = Number(seedText ?? 1);

function collect() {
  globalThis.gc();
  globalThis.gc();
}

/** Runs every phase; `timed` receives each phase's name, count and milliseconds. */
function replay(workload, engine, timed, afterAdds) {
  const phase = (name, count, body) => {
    collect();
    const start = performance.now();
    body();
    timed(name, count, performance.now() - start);
  };
  const { add, remove, modify, pricing, trade } = workload;
  phase('add', add.id.length, () => {
    for (let i = 0; i < add.id.length; i++) engine.add(add.id[i], add.symbol[i], add.side[i], add.amount[i], add.price[i]);
  });
  afterAdds();
  phase('remove', remove.id.length, () => {
    for (let i = 0; i < remove.id.length; i++) engine.remove(remove.id[i], remove.symbol[i]);
  });
  phase('modify', modify.id.length, () => {
    for (let i = 0; i < modify.id.length; i++) engine.modify(modify.id[i], modify.symbol[i], modify.amount[i], modify.price[i]);
  });
  const checksums = {};
  for (const query of pricing) {
    const results = new Array(query.symbol.length);
    phase(`price-${query.depth}`, query.symbol.length, () => {
      for (let i = 0; i < results.length; i++) results[i] = engine.price(query.symbol[i], query.side[i], query.amount[i]);
    });
    checksums[`price-${query.depth}`] = results.reduce((sum, result) => sum + engine.priceTotal(result), 0n).toString();
  }
  const trades = new Array(trade.symbol.length);
  phase('trade', trades.length, () => {
    for (let i = 0; i < trades.length; i++) trades[i] = engine.trade(trade.symbol[i], trade.side[i], trade.amount[i]);
  });
  checksums.trade = trades.reduce((sum, result) => sum + engine.tradeTotal(result), 0n).toString();
  return checksums;
}

const warmup = generateWorkload(WARMUP_SCALE, seed + 1000);
replay(warmup, makeEngine(warmup), () => {}, () => {});

const workload = generateWorkload(scaleName === 'full' ? FULL_SCALE : QUICK_SCALE, seed);
const engine = makeEngine(workload);
const phases = {};
let heapPerOrder = Number.NaN;
collect();
const heapBefore = process.memoryUsage().heapUsed;
const checksums = replay(
  workload,
  engine,
  (name, ops, ms) => {
    phases[name] = { ops, ms };
  },
  () => {
    collect();
    heapPerOrder = (process.memoryUsage().heapUsed - heapBefore) / workload.add.id.length;
  },
);
process.stdout.write(`${JSON.stringify({ engine: engine.name, orders: workload.add.id.length, phases, heapPerOrder, checksums })}\n`);
