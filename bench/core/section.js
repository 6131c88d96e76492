// Section 1: the core in process against nodejs-order-book. Each engine runs
// in its own child process with the same flags and the same seeded workload;
// the runs alternate (oms, peer, oms, peer, ...) so drift on a shared machine
// hits both, and each phase reports the median over the runs. Throughput is
// counted per second of the process's CPU time (user + system, all threads,
// GC included) rather than wall time: on a shared machine other processes
// stretch wall time by 2-3x from one run to the next, CPU time hardly at all;
// on an idle machine the two agree. Wall times are kept in results.json.

import { fileURLToPath } from 'node:url';
import { runNodeJson } from '../lib/node-process.js';
import { median } from '../lib/stats.js';
import { DEPTHS, FULL_SCALE, QUICK_SCALE } from './workload.js';

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));

const PHASES = [
  { key: 'add', label: (s) => `add (${count(s.orders)} orders, ${s.symbols} symbols)`, minRatio: 2 },
  { key: 'remove', label: (s) => `remove (${count(s.removes)} random orders)`, minRatio: 20 },
  { key: 'modify', label: (s) => `modify (${count(s.modifies)})`, minRatio: 20 },
  ...DEPTHS.map((depth) => ({ key: `price-${depth}`, label: (s) => `price, depth ${depth} (${count(s.prices)})`, minRatio: 2 })),
  { key: 'trade', label: (s) => `trade (${count(s.trades)})`, minRatio: 2 },
];
const MAX_HEAP_PER_ORDER = 250;

function count(n) {
  return n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n);
}

export async function coreSection({ quick, log }) {
  const scale = quick ? QUICK_SCALE : FULL_SCALE;
  const runs = quick ? 1 : 3;
  const results = { oms: [], peer: [] };
  for (let run = 1; run <= runs; run++) {
    for (const engine of ['oms', 'peer']) {
      log(`core: ${engine}, run ${run} of ${runs}`);
      results[engine].push(await runNodeJson(['--expose-gc', CHILD, engine, quick ? 'quick' : 'full', '1']));
    }
  }
  const opsPerSecond = (engine, key) => median(results[engine].map((run) => (run.phases[key].ops / run.phases[key].cpuMs) * 1000));
  const sameAnswers = (key) => results.oms.concat(results.peer).every((run) => run.checksums[key] === results.oms[0].checksums[key]);

  const rows = PHASES.map(({ key, label, minRatio }) => {
    const oms = opsPerSecond('oms', key);
    const peer = opsPerSecond('peer', key);
    const checked = key === 'trade' || key.startsWith('price');
    const agree = !checked || sameAnswers(key);
    return {
      section: 'core',
      name: label(scale),
      unit: 'ops/cpu-s',
      oms,
      reference: peer,
      ratio: oms / peer,
      target: `≥ ${minRatio}x`,
      pass: agree && oms / peer >= minRatio,
      ...(agree ? {} : { note: 'the two engines computed different totals' }),
    };
  });
  const heap = median(results.oms.map((run) => run.heapPerOrder));
  const peerHeap = median(results.peer.map((run) => run.heapPerOrder));
  rows.push({
    section: 'core',
    name: `heap per live order at ${count(scale.orders)}`,
    unit: 'bytes',
    oms: heap,
    reference: peerHeap,
    ratio: heap / peerHeap,
    target: `≤ ${MAX_HEAP_PER_ORDER} B`,
    pass: heap <= MAX_HEAP_PER_ORDER,
  });
  return { rows, raw: { scale, runs: results } };
}
