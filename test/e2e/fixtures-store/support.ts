// What the store's end-to-end tests share: spawning the built `oms` so a test
// can kill it mid-flight, seeding a big state quickly through the store
// itself (thousands of `oms add` processes would take minutes), and looking
// at the files a state is made of (checksums, journal lines, companions).

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { addCommand } from '../../../src/core/commands.js';
import { openStore } from '../../../src/store/open.js';
import { COMMAND_GUARD_MS, OMS, ROOT } from '../helpers.js';

export const FIXTURES = path.dirname(new URL(import.meta.url).pathname);

export interface SpawnOptions {
  input?: string;
  /** A hung `oms` is killed with SIGKILL after this long (COMMAND_GUARD_MS when not given): SIGTERM cannot stop a synchronous loop. */
  timeout?: number;
}

/** Starts `oms --state STATE ...args` and hands back the running process. */
export function spawnOms(state: string, args: string[], options: SpawnOptions = {}): ResultPromise<{ reject: false }> {
  return execa(process.execPath, [OMS, '--state', state, ...args], {
    reject: false,
    input: options.input ?? '',
    cwd: ROOT,
    timeout: options.timeout ?? COMMAND_GUARD_MS,
    killSignal: 'SIGKILL',
    env: { NO_COLOR: '1', FORCE_COLOR: undefined, OMS_STATE: undefined, CI: undefined },
    extendEnv: true,
  }) as unknown as ResultPromise<{ reject: false }>;
}

/** Runs `oms --json ...` to the end and parses stdout (undefined if it is not JSON). */
export async function runJson(state: string, args: string[], options: SpawnOptions = {}): Promise<{ exitCode: number | undefined; json: any; stderr: string; timedOut: boolean }> {
  const result = await spawnOms(state, ['--json', ...args], options);
  let json: unknown;
  try {
    json = JSON.parse(String(result.stdout));
  } catch {
    json = undefined;
  }
  return { exitCode: result.exitCode, json, stderr: String(result.stderr), timedOut: result.timedOut };
}

export interface SeedOrder {
  orderId: number;
  symbol: string;
  side: 'Buy' | 'Sell';
  amount: number;
  price: string;
  source: string | null;
}

/** Writes many adds in one store write (one fsync), each with op id `${prefix}${orderId}`. */
export async function seedState(state: string, orders: SeedOrder[], prefix = 'seed-'): Promise<void> {
  const store = await openStore(state);
  try {
    await store.write(async (tx) => {
      for (const order of orders) await tx.execute(addCommand({ ...order, source: order.source ?? undefined }), `${prefix}${order.orderId}`);
    });
  } finally {
    await store.close();
  }
}

export function tempDir(base = os.tmpdir()): { dir: string; state: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(base, 'oms-store-'));
  return { dir, state: path.join(dir, 'state.json'), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** sha256 of every file beside the state (the lock excluded: a failing writer takes and drops it). */
export function checksums(state: string): Record<string, string> {
  const dir = path.dirname(state);
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (name.endsWith('.lock') || !fs.statSync(file).isFile()) continue;
    out[name] = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  }
  return out;
}

export function companions(state: string): string[] {
  return fs.readdirSync(path.dirname(state)).sort();
}

export function stemOf(state: string): string {
  return state.replace(/\.json$/, '');
}

/** The journal's lines with their byte offsets (the header is line 1). */
export function journalLines(state: string): { text: string; offset: number }[] {
  const text = fs.readFileSync(`${stemOf(state)}.journal`, 'utf8');
  const lines: { text: string; offset: number }[] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    if (line === '' && offset >= Buffer.byteLength(text)) break;
    lines.push({ text: line, offset });
    offset += Buffer.byteLength(line) + 1;
  }
  return lines;
}

export function snapshotJournalOffset(state: string): number {
  return (JSON.parse(fs.readFileSync(state, 'utf8')) as { journalOffset: number }).journalOffset;
}

/** A deterministic generator, so a failing run can be repeated from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
