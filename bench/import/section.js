// Section 3: `oms import` of a generated add-only CSV into a fresh state, then
// the same file again (every row replayed), each as a whole process: rows per
// second of wall time and peak resident memory. `oms import` may not exist
// yet in a given checkout: a two-row probe decides, and the section then says
// "not available" with the reason instead of failing the bench.

import fs from 'node:fs';
import path from 'node:path';
import { runMeasured } from '../lib/measured-process.js';
import { OMS } from '../lib/paths.js';
import { writeAddCsv } from './csv.js';

const MIN_ROWS_PER_SECOND = 100_000;
const MAX_RSS_BYTES = 500 * 1024 * 1024;

function importArgs(state, file) {
  return [OMS, '--state', state, '--json', '--quiet', 'import', file];
}

function summaryOf(run) {
  try {
    return JSON.parse(run.stdout);
  } catch {
    return undefined;
  }
}

function failure(run) {
  const summary = summaryOf(run);
  return summary?.error?.message ?? (run.stderr.trim().split('\n').pop() || `exit ${run.status}`);
}

async function probe(dir) {
  const file = path.join(dir, 'probe.csv');
  fs.writeFileSync(file, 'order_id,symbol,side,amount,price\n1,ABC,Buy,1,10\n2,ABC,Sell,1,11\n');
  const run = await runMeasured(process.execPath, importArgs(path.join(dir, 'probe-state.json'), file), { timeoutMs: 60_000 });
  const summary = summaryOf(run);
  if (run.status === 0 && summary?.applied === 2) return undefined;
  return failure(run);
}

function unavailable(reason) {
  const names = ['`oms import`, new rows', 'peak RSS, import', '`oms import` again, all replayed', 'peak RSS, re-import'];
  return names.map((name) => ({ section: 'import', name, unit: '', oms: null, reference: null, ratio: null, target: '', pass: null, note: `not available: ${reason}` }));
}

export async function importSection({ quick, dir, log }) {
  const rows = quick ? 100_000 : 1_000_000;
  const reason = await probe(dir);
  if (reason) {
    log(`import: not available (${reason})`);
    return { rows: unavailable(reason), raw: { available: false, reason } };
  }
  const file = path.join(dir, 'orders.csv');
  const bytes = writeAddCsv(file, rows);
  const state = path.join(dir, 'import', 'state.json');
  fs.mkdirSync(path.dirname(state));
  const runs = {};
  for (const [name, expect] of [['first', 'applied'], ['again', 'replayed']]) {
    log(`import: ${rows} rows, ${name === 'first' ? 'fresh state' : 'again (all replayed)'}`);
    const run = await runMeasured(process.execPath, importArgs(state, file));
    const summary = summaryOf(run);
    if (run.status !== 0 || summary?.[expect] !== rows) {
      throw new Error(`oms import (${name}) did not ${expect} ${rows} rows: ${run.status === 0 ? JSON.stringify(summary) : failure(run)}`);
    }
    runs[name] = { ms: run.ms, cpuMs: run.cpuMs, rowsPerSecond: rows / (run.ms / 1000), peakRssBytes: run.peakRssBytes, rssMethod: run.rssMethod, summary };
  }
  const count = rows >= 1_000_000 ? `${rows / 1_000_000}M` : `${rows / 1000}k`;
  const rss = (name, run) => ({
    section: 'import',
    name,
    unit: 'MB',
    oms: run.peakRssBytes / 1024 / 1024,
    reference: null,
    ratio: null,
    target: `< ${MAX_RSS_BYTES / 1024 / 1024} MB`,
    pass: run.peakRssBytes < MAX_RSS_BYTES,
  });
  return {
    rows: [
      {
        section: 'import',
        name: `\`oms import\`, ${count} new rows`,
        unit: 'rows/s',
        oms: runs.first.rowsPerSecond,
        reference: null,
        ratio: null,
        target: `≥ ${MIN_ROWS_PER_SECOND / 1000}k rows/s`,
        pass: runs.first.rowsPerSecond >= MIN_ROWS_PER_SECOND,
      },
      rss('peak RSS, import', runs.first),
      {
        section: 'import',
        name: `\`oms import\` again, ${count} replayed`,
        unit: 'rows/s',
        oms: runs.again.rowsPerSecond,
        reference: runs.first.rowsPerSecond,
        referenceName: 'first import',
        ratio: runs.again.rowsPerSecond / runs.first.rowsPerSecond,
        target: '≥ 1x first import',
        pass: runs.again.rowsPerSecond >= runs.first.rowsPerSecond,
      },
      rss('peak RSS, re-import', runs.again),
    ],
    raw: { available: true, rows, csvBytes: bytes, runs },
  };
}
