// Section 4: the HTTP API. bench/serve-bench.js (its own author's) measures
// `oms serve` and prints one JSON document; this runs it and turns its
// results into rows. If it is missing or fails, the table says so and the
// rest of the bench still counts.

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runNodeJson } from '../lib/node-process.js';

const SERVE_BENCH = fileURLToPath(new URL('../serve-bench.js', import.meta.url));

function unavailable(reason) {
  return [{ section: 'serve', name: '`oms serve` (bench/serve-bench.js)', unit: '', oms: null, reference: null, ratio: null, target: '', pass: null, note: `not available: ${reason}` }];
}

export async function serveSection({ quick, log }) {
  if (!fs.existsSync(SERVE_BENCH)) {
    log('serve: bench/serve-bench.js does not exist; skipped');
    return { rows: unavailable('bench/serve-bench.js does not exist yet'), raw: { available: false } };
  }
  log('serve: running bench/serve-bench.js');
  let report;
  try {
    report = await runNodeJson([SERVE_BENCH, ...(quick ? ['--quick'] : [])], { timeoutMs: quick ? 120_000 : 1_800_000 });
  } catch (error) {
    return { rows: unavailable(error.message), raw: { available: false, reason: error.message } };
  }
  if (!Array.isArray(report?.results)) return { rows: unavailable('its output has no "results" array'), raw: { available: false, report } };
  const rows = report.results.map((result) => {
    const latency = [['p50', result.p50], ['p99', result.p99], ['p99.9', result.p999]]
      .filter(([, value]) => typeof value === 'number')
      .map(([name, value]) => `${name} ${value.toFixed(2)} ms`);
    if (typeof result.fsyncsPerRequest === 'number') latency.push(`${result.fsyncsPerRequest.toFixed(3)} fsyncs/request`);
    return {
      section: 'serve',
      name: result.rate === undefined ? result.name : `${result.name} at ${result.rate === 'max' ? 'saturation' : `${result.rate} req/s`}`,
      unit: 'req/s',
      oms: result.rps,
      reference: null,
      ratio: null,
      target: String(result.target ?? ''),
      pass: typeof result.pass === 'boolean' ? result.pass : null,
      note: [result.requests !== undefined ? `${result.requests} requests` : '', ...latency].filter(Boolean).join('; '),
    };
  });
  return { rows, raw: { available: true, report } };
}
