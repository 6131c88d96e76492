// Spawning the real built `oms` on temp state files, for end-to-end tests.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type Result } from 'execa';
import { afterAll, beforeAll, expect } from 'vitest';
import { startPace } from '../pace.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const OMS = path.join(ROOT, 'bin/oms.js');

/** This machine's pace, measured before the run (test/pace.ts). */
export const PACE = startPace();
/**
 * How long one `oms` command may run before it is deemed hung and killed: a
 * hang guard in typical commands, never an expectation of speed. A command
 * told to wait for a lock needs its --lock-timeout on top.
 */
export const COMMAND_GUARD_MS = PACE.commands(30);

/** True when tmux runs here: the tests that drive a real terminal need it. */
export function tmuxAvailable(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface TempState {
  dir: string;
  state: string;
  cleanup(): void;
}

export function tempState(name = 'state.json'): TempState {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-test-'));
  return { dir, state: path.join(dir, name), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface OmsOptions {
  state?: string;
  input?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Hang guard in ms; COMMAND_GUARD_MS when not given. */
  timeout?: number;
}

/**
 * Polls until `check` holds: for things a test can see but not be told of (a
 * file appearing, text on a screen, a metric). The deadline is a hang guard
 * (COMMAND_GUARD_MS unless given), so a slow machine only makes it poll longer.
 */
export async function until(check: () => boolean | Promise<boolean>, what: string, budgetMs = COMMAND_GUARD_MS): Promise<void> {
  const deadline = Date.now() + budgetMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${budgetMs} ms (the hang guard)`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs `oms` with args (and --state if given); never throws on a non-zero exit. */
export function oms(args: string[], options: OmsOptions = {}): Promise<Result> {
  const stateArgs = options.state ? ['--state', options.state] : [];
  return execa(process.execPath, [OMS, ...stateArgs, ...args], {
    reject: false,
    input: options.input ?? '',
    cwd: options.cwd ?? ROOT,
    timeout: options.timeout ?? COMMAND_GUARD_MS,
    env: { NO_COLOR: undefined, FORCE_COLOR: undefined, OMS_STATE: undefined, CI: undefined, ...options.env },
    extendEnv: true,
  });
}

/** Runs `oms --json ...` and parses stdout (which must be exactly one JSON document). */
export async function omsJson(args: string[], options: OmsOptions = {}): Promise<{ result: Result; json: any }> {
  const result = await oms(['--json', ...args], options);
  return { result, json: JSON.parse(String(result.stdout)) };
}

/** The bytes of every file of a state, to assert that a failure changed nothing. */
export function stateFiles(state: string): Record<string, string> {
  const dir = path.dirname(state);
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (fs.statSync(file).isFile()) out[name] = fs.readFileSync(file).toString('base64');
  }
  return out;
}

/** Runs `oms --json`, expects exit 0, returns the parsed document. */
export async function ok(state: string, args: string[]): Promise<any> {
  const result = await oms(['--json', ...args], { state });
  expect(result.exitCode, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return JSON.parse(String(result.stdout));
}

/** The requirement document's four orders (SPEC §1). */
export const DOCUMENT_ORDERS = [
  ['1', 'JPM', 'Buy', '20', '20'],
  ['2', 'GOOG', 'Sell', '12', '25'],
  ['3', 'AMZN', 'Sell', '7', '10'],
  ['4', 'JPM', 'Buy', '10', '21'],
];

/**
 * Temp states for a test file whose tests run concurrently: `fresh()` makes
 * one, `documentState()` a copy of a state holding the document's four
 * orders (made once, through the binary); all are removed after the file.
 */
export function useTempStates(): { fresh(): TempState; documentState(): TempState } {
  const states: TempState[] = [];
  let template: TempState | undefined;
  const fresh = (): TempState => {
    const state = tempState();
    states.push(state);
    return state;
  };
  beforeAll(async () => {
    template = fresh();
    for (const order of DOCUMENT_ORDERS) await ok(template.state, ['add', ...order]);
  });
  afterAll(() => {
    for (const state of states) state.cleanup();
  });
  return {
    fresh,
    documentState() {
      const state = fresh();
      fs.cpSync((template as TempState).dir, state.dir, { recursive: true });
      return state;
    },
  };
}
