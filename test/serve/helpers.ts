// A real `oms serve` process on an ephemeral port, and a small HTTP client
// for it. The server logs JSON lines on stderr; its "listening" line gives
// the address it got for --port 0.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import readline from 'node:readline';
import { statePaths } from '../../src/store/paths.js';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { COMMAND_GUARD_MS, OMS, ROOT, tempState, type TempState } from '../e2e/helpers.js';

export { until } from '../e2e/helpers.js';

/**
 * --lock-timeout for a server whose commits wait while a test holds the lock:
 * the test lets go once it has seen what it looks for, however long that
 * takes here, so the server's wait must never be what ends it.
 */
export const PATIENT_LOCK = ['--lock-timeout', String(Math.ceil((COMMAND_GUARD_MS * 2) / 1000))];

export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

export interface RunningServer {
  url: string;
  child: ChildProcess;
  /** Every JSON line logged so far. */
  logs: LogLine[];
  /** Resolves with the first log line (already seen or to come) that `match` accepts. */
  waitForLog(match: (line: LogLine) => boolean): Promise<LogLine>;
  /** Resolves when the process has exited, with its exit code, signal and stdout. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

export interface StartOptions {
  /** Arguments after `serve` (--port 0 and --drain-ms 0 come first: no balancer to wait for, unless a test says so). */
  serveArgs?: string[];
  /** Global options before `serve`. */
  globalArgs?: string[];
  env?: Record<string, string | undefined>;
}

export function startServer(state: string, options: StartOptions = {}): Promise<RunningServer> {
  const args = [OMS, '--state', state, ...(options.globalArgs ?? []), 'serve', '--port', '0', '--drain-ms', '0', ...(options.serveArgs ?? [])];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, OMS_STATE: undefined, OMS_TOKEN: undefined, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const waiters: Array<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }> = [];
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  readline.createInterface({ input: child.stderr! }).on('line', (text) => {
    stderr += `${text}\n`;
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      return;
    }
    logs.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.match(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const waitForLog = (match: (line: LogLine) => boolean): Promise<LogLine> => {
    const seen = logs.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => waiters.push({ match, resolve }));
  };
  return new Promise((resolve, reject) => {
    void exited.then((result) => reject(new Error(`oms serve exited (${result.code ?? result.signal}) before listening:\n${result.stderr}`)));
    void waitForLog((line) => line.msg === 'listening').then((line) => resolve({ url: String(line['url']), child, logs, waitForLog, exited }));
  });
}

/** Stops a server that a test left running. */
export async function stopServer(server: RunningServer | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGTERM');
  await server.exited;
}

/**
 * Temp states and servers for a test file, each test's own: `fresh()` makes a
 * state, `start()` a server on one; after each test its servers are stopped
 * (and awaited) and its states removed.
 */
export function useServers(): { fresh(): TempState; start(state: string, options?: StartOptions): Promise<RunningServer> } {
  const states: TempState[] = [];
  const servers: RunningServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await stopServer(server);
    for (const state of states.splice(0)) state.cleanup();
  });
  return {
    fresh() {
      const state = tempState();
      states.push(state);
      return state;
    },
    async start(state, options) {
      const server = await startServer(state, options);
      servers.push(server);
      return server;
    },
  };
}

/** One server on a fresh state for a whole test file: started before its tests, stopped (and the state removed) after them. */
export function useSharedServer(): { readonly state: TempState; readonly server: RunningServer } {
  const shared = {} as { state: TempState; server: RunningServer };
  beforeAll(async () => {
    shared.state = tempState();
    shared.server = await startServer(shared.state.state);
  });
  afterAll(async () => {
    await stopServer(shared.server);
    shared.state.cleanup();
  });
  return shared;
}

export interface Reply {
  status: number;
  headers: Headers;
  json: any;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is (for bodies that are not JSON). */
  rawBody?: string;
  key?: string;
  token?: string;
  headers?: Record<string, string>;
}

export async function call(server: { url: string }, method: string, path: string, options: RequestOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined || options.rawBody !== undefined) headers['content-type'] ??= 'application/json';
  if (options.key !== undefined) headers['idempotency-key'] = options.key;
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  return { status: response.status, headers: response.headers, json: type.includes('json') && text !== '' ? JSON.parse(text) : text };
}

/**
 * Holds the state's writer lock as a live process on this host would (this
 * test process), so a server's next commit waits; returns the release.
 */
export function holdLock(state: string): () => void {
  const lockFile = statePaths(state).lock;
  const holder = { pid: process.pid, host: os.hostname(), command: 'test holding the lock', since: new Date().toISOString(), token: 'test' };
  fs.writeFileSync(lockFile, JSON.stringify(holder), { flag: 'wx' });
  return () => fs.rmSync(lockFile, { force: true });
}

/** One sample's value from /metrics text. */
export function metric(text: string, name: string): number {
  const match = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  if (!match) throw new Error(`metric ${name} not found`);
  return Number(match[1]);
}
