// Section 5: several servers behind HAProxy (issue 14). bench/cluster-bench.js
// measures them and prints one JSON document; this runs it and turns its
// results into rows. Without haproxy the table says so and the rest counts.

import { fileURLToPath } from 'node:url';
import { findHaproxy } from '../../deploy/lib/haproxy.js';
import { runNodeJson } from '../lib/node-process.js';

const CLUSTER_BENCH = fileURLToPath(new URL('../cluster-bench.js', import.meta.url));

function unavailable(reason) {
  return [{ section: 'cluster', name: 'servers behind HAProxy (bench/cluster-bench.js)', unit: '', oms: null, reference: null, ratio: null, target: '', pass: null, note: `not available: ${reason}` }];
}

export async function clusterSection({ quick, log }) {
  try {
    findHaproxy();
  } catch (error) {
    log(`cluster: ${error.message}; skipped`);
    return { rows: unavailable(error.message), raw: { available: false } };
  }
  log('cluster: running bench/cluster-bench.js');
  let report;
  try {
    report = await runNodeJson([CLUSTER_BENCH, ...(quick ? ['--quick'] : [])], { timeoutMs: quick ? 300_000 : 1_200_000 });
  } catch (error) {
    return { rows: unavailable(error.message), raw: { available: false, reason: error.message } };
  }
  const rows = [];
  for (const result of report.results) {
    for (const [route, measured] of [['GET /price', result.price], ['POST /orders', result.orders]]) {
      rows.push({
        section: 'cluster',
        name: `${route} at saturation, ${result.name}`,
        unit: 'req/s',
        oms: measured.rps,
        reference: null,
        ratio: null,
        target: 'no errors (throughput)',
        pass: measured.errors === 0,
        note: `${measured.requests} requests; p50 ${measured.p50} ms; p99 ${measured.p99} ms; ${report.connections} connections`,
      });
    }
  }
  rows.push({
    section: 'cluster',
    name: 'fsync of a 4 KiB append (beside the above)',
    unit: 'ms',
    oms: report.fsyncMs.p50,
    reference: null,
    ratio: null,
    target: '',
    pass: null,
    note: `p50 ${report.fsyncMs.p50} ms; p99 ${report.fsyncMs.p99} ms`,
  });
  return { rows, raw: { available: true, report } };
}
