// Section 3: `oms import` of a generated add-only CSV into a fresh state, then
// the same file again (every row replayed), then the same file from an
// S3-compatible server on loopback (s3rver) into another fresh state, each as
// a whole process: rows per second of wall time and peak resident memory. `oms import` may not exist
// yet in a given checkout: a two-row probe decides, and the section then says
// "not available" with the reason instead of failing the bench.

import fs from 'node:fs';
import path from 'node:path';
import { runMeasured } from '../lib/measured-process.js';
import { OMS } from '../lib/paths.js';
import { writeAddCsv } from './csv.js';
import { startS3 } from './s3.js';

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
  const names = ['`oms import`, new rows', 'peak RSS, import', '`oms import` again, all replayed', 'peak RSS, re-import', '`oms import s3://`, new rows', 'peak RSS, import s3://'];
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
  const s3 = await startS3(dir);
  try {
    const url = await s3.put('orders.csv', file);
    const s3State = path.join(dir, 'import-s3', 'state.json');
    fs.mkdirSync(path.dirname(s3State));
    log(`import: ${rows} rows from ${url}, fresh state`);
    const run = await runMeasured(process.execPath, importArgs(s3State, url), { env: { ...process.env, ...s3.env } });
    const summary = summaryOf(run);
    if (run.status !== 0 || summary?.applied !== rows) throw new Error(`oms import ${url} did not apply ${rows} rows: ${run.status === 0 ? JSON.stringify(summary) : failure(run)}`);
    runs.s3 = { ms: run.ms, cpuMs: run.cpuMs, rowsPerSecond: rows / (run.ms / 1000), peakRssBytes: run.peakRssBytes, rssMethod: run.rssMethod, summary };
  } finally {
    await s3.close();
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
      {
        section: 'import',
        name: `\`oms import s3://\`, ${count} new rows (s3rver on loopback)`,
        unit: 'rows/s',
        oms: runs.s3.rowsPerSecond,
        reference: runs.first.rowsPerSecond,
        referenceName: 'local file',
        ratio: runs.s3.rowsPerSecond / runs.first.rowsPerSecond,
        target: `≥ ${MIN_ROWS_PER_SECOND / 1000}k rows/s`,
        pass: runs.s3.rowsPerSecond >= MIN_ROWS_PER_SECOND,
      },
      rss('peak RSS, import s3://', runs.s3),
    ],
    raw: { available: true, rows, csvBytes: bytes, runs },
  };
}
