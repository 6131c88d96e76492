// One engine, one process: `node --expose-gc bench/core/child.js <oms|peer>
// <full|quick> <seed>` warms the engine up on a small workload of its own,
// then replays the measured workload phase by phase and prints one JSON line:
// operations, wall and CPU milliseconds per phase (the median of several
// passes for the read-only price calculations), heap bytes per live order after the
// adds, and checksums of the totals so the parent can see both engines
// computed the same prices and trades.

import { performance } from 'node:perf_hooks';
import { ENGINES } from './engines.js';
import { FULL_SCALE, FULL_WARMUP_SCALE, QUICK_SCALE, QUICK_WARMUP_SCALE, generateWorkload } from './workload.js';

// A --quick smoke run settles for less and repeats less, to stay short.
const RUNS = {
  full: { scale: FULL_SCALE, warmup: FULL_WARMUP_SCALE, settleMs: 300, pricePasses: 5 },
  quick: { scale: QUICK_SCALE, warmup: QUICK_WARMUP_SCALE, settleMs: 100, pricePasses: 3 },
};

const [engineName, scaleName, seedText] = process.argv.slice(2);
const makeEngine = ENGINES[engineName];
const run = RUNS[scaleName];
if (!makeEngine || !run || typeof globalThis.gc !== 'function') {
  throw new Error('usage: node --expose-gc bench/core/child.js <oms|peer> <full|quick> <seed>');
}
const seed = Number(seedText ?? 1);

/**
 * Two full collections, then a pause: V8 sweeps after a full GC on helper
 * threads, and that CPU time would otherwise be billed to the next phase
 * (tens of ms on a heap of a million orders, more for the bigger heap).
 */
async function collect() {
  globalThis.gc();
  globalThis.gc();
  await new Promise((resolve) => setTimeout(resolve, run.settleMs));
}

function median(values) {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/**
 * Runs every phase; `timed` receives each phase's name, count and wall and
 * CPU milliseconds. A read-only phase (pricing) is repeated and reports its
 * median pass: one pass of 100k prices takes only tens of milliseconds, where
 * a single collection landing inside it would move the result by half.
 */
async function replay(workload, engine, timed, afterAdds) {
  const phase = async (name, count, body, passes = 1) => {
    const wall = [];
    const cpuTimes = [];
    for (let pass = 0; pass < passes; pass++) {
      await collect();
      const cpu = process.cpuUsage();
      const start = performance.now();
      body();
      wall.push(performance.now() - start);
      const used = process.cpuUsage(cpu);
      cpuTimes.push((used.user + used.system) / 1000);
    }
    timed(name, count, median(wall), median(cpuTimes), passes);
  };
  const { add, remove, modify, pricing, trade } = workload;
  await phase('add', add.id.length, () => {
    for (let i = 0; i < add.id.length; i++) engine.add(add.id[i], add.symbol[i], add.side[i], add.amount[i], add.price[i]);
  });
  await afterAdds();
  await phase('remove', remove.id.length, () => {
    for (let i = 0; i < remove.id.length; i++) engine.remove(remove.id[i], remove.symbol[i]);
  });
  await phase('modify', modify.id.length, () => {
    for (let i = 0; i < modify.id.length; i++) engine.modify(modify.id[i], modify.symbol[i], modify.amount[i], modify.price[i]);
  });
  const checksums = {};
  for (const query of pricing) {
    const results = new Array(query.symbol.length);
    // Read-only, so the same queries run once untimed on the measured book
    // first: the timed pass then sees code already optimised for that book.
    for (let i = 0; i < results.length; i++) results[i] = engine.price(query.symbol[i], query.side[i], query.amount[i]);
    await phase(
      `price-${query.depth}`,
      query.symbol.length,
      () => {
        for (let i = 0; i < results.length; i++) results[i] = engine.price(query.symbol[i], query.side[i], query.amount[i]);
      },
      run.pricePasses,
    );
    checksums[`price-${query.depth}`] = results.reduce((sum, result) => sum + engine.priceTotal(result), 0n).toString();
  }
  const trades = new Array(trade.symbol.length);
  await phase('trade', trades.length, () => {
    for (let i = 0; i < trades.length; i++) trades[i] = engine.trade(trade.symbol[i], trade.side[i], trade.amount[i]);
  });
  checksums.trade = trades.reduce((sum, result) => sum + engine.tradeTotal(result), 0n).toString();
  return checksums;
}

const warmup = generateWorkload(run.warmup, seed + 1000);
await replay(warmup, makeEngine(warmup), () => {}, () => {});

const workload = generateWorkload(run.scale, seed);
const engine = makeEngine(workload);
const phases = {};
let heapPerOrder = Number.NaN;
await collect();
const heapBefore = process.memoryUsage().heapUsed;
const checksums = await replay(
  workload,
  engine,
  (name, ops, ms, cpuMs, passes) => {
    phases[name] = { ops, ms, cpuMs, passes };
  },
  async () => {
    await collect();
    heapPerOrder = (process.memoryUsage().heapUsed - heapBefore) / workload.add.id.length;
  },
);
process.stdout.write(`${JSON.stringify({ engine: engine.name, orders: workload.add.id.length, phases, heapPerOrder, checksums })}\n`);
