// How much time this machine needs right now, in "typical oms commands".
// The suite runs on developers' own machines, which are often busy: a wait,
// hang guard or vitest timeout written as a fixed number of seconds is either
// too short there (a spurious failure that blocks every submission) or far
// too long on an idle machine. So every budget is a count of commands times
// the measured time of one, and no test asserts on speed.
//
// vitest.config.ts measures once before the run and hands the figure to every
// test file through the environment (OMS_TEST_COMMAND_MS); files that do a lot
// of work measure again when they start, inside the load the suite itself
// makes, and take the larger of the two.

import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const OMS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/oms.js');

/**
 * How many times the measured time a budget allows. It covers what one
 * measurement cannot see: the other vitest worker and the tests of a file
 * that run concurrently, commands that do more than `status`, and load that
 * rises after the measurement. Budgets are hang guards, so generosity costs
 * only time when something really hangs.
 */
export const SLACK = 10;

/** The shortest hang guard: below this a guard would only catch scheduling noise. */
const FLOOR_MS = 10_000;

const SAMPLES = 3;

export const ENV_KEY = 'OMS_TEST_COMMAND_MS';

export interface Pace {
  /** Wall time of one typical `oms` command here and now (median of a few), in ms. */
  readonly commandMs: number;
  /** A budget in ms for `count` commands' worth of work (never under 10 s). */
  commands(count: number): number;
  /** The same budget in whole seconds, for an option such as --lock-timeout. */
  seconds(count: number): number;
}

export function paceOf(commandMs: number): Pace {
  const commands = (count: number): number => Math.max(FLOOR_MS, Math.ceil(count * commandMs * SLACK));
  return { commandMs, commands, seconds: (count) => Math.ceil(commands(count) / 1000) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** `oms --json status` on a state that does not exist: starting node and oms, reading nothing. */
function statusArgs(): string[] {
  return [OMS, '--state', path.join(os.tmpdir(), `oms-pace-${process.pid}-absent`, 'state.json'), '--json', 'status'];
}

/** Measured synchronously (for vitest.config.ts); falls back to node's own start when dist/ is not built. */
export function measureCommandMsSync(): number {
  const args = fs.existsSync(path.resolve(path.dirname(OMS), '../dist/index.js')) ? statusArgs() : ['-e', ''];
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    execFileSync(process.execPath, args, { stdio: 'ignore' });
    times.push(performance.now() - started);
  }
  return Math.ceil(median(times));
}

/** The figure vitest.config.ts measured before the run (or a fresh one when run without it). */
export function startPace(): Pace {
  const fromConfig = Number(process.env[ENV_KEY]);
  return paceOf(Number.isFinite(fromConfig) && fromConfig > 0 ? fromConfig : measureCommandMsSync());
}

/** Measured now, in this worker, under the load the suite makes; never less than the figure from the start. */
export async function measurePace(): Promise<Pace> {
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    await new Promise<void>((resolve, reject) => execFile(process.execPath, statusArgs(), (error) => (error ? reject(error) : resolve())));
    times.push(performance.now() - started);
  }
  return paceOf(Math.max(startPace().commandMs, Math.ceil(median(times))));
}
