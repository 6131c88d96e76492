// A CI job in bash (set -euo pipefail, no jq) driving the binary, run twice:
// the rerun must succeed and leave the state exactly as the first run did.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, expect, it } from 'vitest';
import { measurePace } from '../pace.js';
import { OMS, ROOT, oms, stateFiles, tempState, type TempState } from './helpers.js';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scripts', 'ci-job.sh');
// The job starts 20 node processes (12 oms commands, 8 to read JSON); the two
// tests run side by side. Budgets are counts of those at the measured pace.
const JOB_PROCESSES = 20;
const pace = await measurePace();
const JOB_TIMEOUT = pace.commands(JOB_PROCESSES * 2);

const states: TempState[] = [];
// Tests run concurrently (each on its own state), so temp states are cleaned up at the end.
afterAll(() => {
  for (const state of states) state.cleanup();
});

function runJob(state: string) {
  return execa('bash', [SCRIPT], {
    reject: false,
    cwd: ROOT,
    env: { OMS_BIN: OMS, OMS_STATE: state, NO_COLOR: undefined, FORCE_COLOR: undefined },
    timeout: JOB_TIMEOUT,
  });
}

async function snapshot(state: string): Promise<{ orders: string; trades: string }> {
  const [orders, trades] = await Promise.all([oms(['--json', 'orders'], { state }), oms(['--json', 'trades'], { state })]);
  expect(orders.exitCode).toBe(0);
  expect(trades.exitCode).toBe(0);
  return { orders: String(orders.stdout), trades: String(trades.stdout) };
}

it.concurrent('the CI job runs, and its rerun changes nothing', async () => {
  const temp = tempState();
  states.push(temp);
  const { state } = temp;

  const first = await runJob(state);
  expect(first.exitCode, String(first.stderr)).toBe(0);
  expect(first.stdout).toBe('quote=1 total=442 replayed=false fill=349');
  const afterFirst = await snapshot(state);
  const filesAfterFirst = stateFiles(state);
  expect(JSON.parse(afterFirst.orders).orders.map((o: any) => [o.orderId, o.amount])).toEqual([
    [5, 6],
    [4, 8],
  ]);
  expect(JSON.parse(afterFirst.trades).trades.map((t: any) => [t.tradeId, t.total, t.client, t.opId])).toEqual([
    [2, '349', 'bob', 'ci-fill-bob-1'],
    [1, '442', 'acme', 'quote:1'],
  ]);

  const second = await runJob(state);
  expect(second.exitCode, String(second.stderr)).toBe(0);
  expect(second.stdout).toBe('quote=1 total=442 replayed=true fill=349');
  expect(await snapshot(state)).toEqual(afterFirst);
  expect(stateFiles(state)).toEqual(filesAfterFirst);
}, pace.commands((JOB_PROCESSES * 2 + 4) * 2));

it.concurrent("the job stops at the first failing step (set -e) with oms's exit code, the state untouched", async () => {
  const temp = tempState();
  states.push(temp);
  // A state the job cannot read: the first oms call fails with exit 4 and the job with it.
  fs.writeFileSync(temp.state, 'not json\n');
  const run = await runJob(temp.state);
  expect(run.exitCode).toBe(4);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/oms: error: .*not valid JSON/);
  expect(fs.readFileSync(temp.state, 'utf8')).toBe('not json\n');
}, JOB_TIMEOUT);
