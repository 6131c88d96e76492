// `npm run bench [-- --quick] [-- --only core,cli,import,serve,postgres,cluster] [-- --keep]`:
// every performance claim of the README, measured in one run on one machine,
// printed as a PASS/FAIL table and written to bench/results.json (a --quick
// smoke run writes bench/results-quick.json instead, so it never replaces the
// full results the README quotes). Progress goes to stderr, the table to
// stdout; the exit code is 1 when a target is missed or a section fails.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { cliSection } from './cli/section.js';
import { clusterSection } from './cluster/section.js';
import { coreSection } from './core/section.js';
import { importSection } from './import/section.js';
import { postgresSection } from './postgres/section.js';
import { describeMachine, loadAverage, machineLine } from './lib/machine.js';
import { BENCH } from './lib/paths.js';
import { markdownTable, summary, textTable } from './report/table.js';
import { serveSection } from './serve/section.js';

const SECTIONS = { core: coreSection, cli: cliSection, import: importSection, serve: serveSection, postgres: postgresSection, cluster: clusterSection };

function parseArgs(argv) {
  const options = { quick: false, keep: false, only: Object.keys(SECTIONS) };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--only' && argv[i + 1]) options.only = argv[++i].split(',');
    else throw new Error(`bench: unknown argument ${JSON.stringify(arg)}; use --quick, --keep, --only ${Object.keys(SECTIONS).join(',')}`);
  }
  const unknown = options.only.filter((name) => !SECTIONS[name]);
  if (unknown.length > 0) throw new Error(`bench: unknown section ${unknown.join(', ')}; sections are ${Object.keys(SECTIONS).join(', ')}`);
  return options;
}

const options = parseArgs(process.argv.slice(2));
const started = performance.now();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-bench-'));
const machine = describeMachine(dir);
const date = new Date().toISOString();
const log = (message) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${message}\n`);

const rows = [];
const sections = {};
try {
  for (const name of options.only) {
    try {
      const section = await SECTIONS[name]({ quick: options.quick, dir, log });
      rows.push(...section.rows);
      sections[name] = section.raw;
    } catch (error) {
      log(`${name}: failed: ${error.message}`);
      rows.push({ section: name, name: `${name} section`, unit: '', oms: null, reference: null, ratio: null, target: '', pass: false, note: `failed: ${error.message}` });
      sections[name] = { error: error.message };
    }
  }
} finally {
  if (options.keep) log(`kept the bench files in ${dir}`);
  else fs.rmSync(dir, { recursive: true, force: true });
}

machine.loadAverageAtEnd = loadAverage();
const totals = summary(rows);
const durationSeconds = Math.round((performance.now() - started) / 100) / 10;
const title = `oms bench${options.quick ? ' --quick (smoke run: smaller workloads)' : ''}, ${date}`;
process.stdout.write(`\n${title}\n${machineLine(machine)}\n\n${textTable(rows)}\n\n`);
process.stdout.write(`${totals.passed} passed, ${totals.failed.length} failed${totals.failed.length ? ` (${totals.failed.join('; ')})` : ''}`);
process.stdout.write(`${totals.notMeasured.length ? `, not measured: ${totals.notMeasured.join('; ')}` : ''}; ${durationSeconds} s\n`);

const stem = options.quick ? 'results-quick' : 'results';
const results = { date, quick: options.quick, machine, durationSeconds, summary: totals, rows, sections };
fs.writeFileSync(path.join(BENCH, `${stem}.json`), `${JSON.stringify(results, null, 2)}\n`);
fs.writeFileSync(path.join(BENCH, `${stem}.md`), `${title}\n\n${machineLine(machine)}\n\n${markdownTable(rows)}\n`);
process.exitCode = totals.failed.length > 0 ? 1 : 0;
