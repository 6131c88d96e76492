// Loading an `oms serve` on loopback, shared by the serve and PostgreSQL bench
// sections: start a server on any state, an open-loop paced client (latency
// at a fixed rate), autocannon at saturation, and percentiles.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { OMS } from './paths.js';

/** Starts `oms serve --port 0`; its JSON log goes to a file, where the "listening" line gives the address. */
export async function startServer(dir, state = path.join(dir, 'state.json')) {
  const logFile = path.join(dir, 'serve.log');
  const logFd = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, [OMS, '--state', state, 'serve', '--port', '0'], {
    stdio: ['ignore', 'pipe', logFd],
    env: { ...process.env, OMS_TOKEN: '' },
  });
  fs.closeSync(logFd);
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  const exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout })));
  const deadline = Date.now() + 15_000;
  for (;;) {
    const listening = fs
      .readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line))
      .find((entry) => entry.msg === 'listening');
    if (listening) return { url: listening.url, child, exited, requestTimes: logReader(logFile) };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`oms serve did not start:\n${fs.readFileSync(logFile, 'utf8')}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The server's own time per request (its log's `ms`: received to sent) for
 * the requests logged since the last call. It leaves out time a request
 * waited before the server read it, so it is a floor for the client's view.
 */
function logReader(logFile) {
  let offset = 0;
  return (route) => {
    const text = fs.readFileSync(logFile, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    const lines = text.slice(offset, end).split('\n');
    offset = end;
    return lines
      .filter((line) => line.includes('"msg":"request"'))
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.route === route)
      .map((entry) => entry.ms)
      .sort((a, b) => a - b);
  };
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs autocannon and keeps every 2xx response's latency in milliseconds. */
export async function load(options) {
  const latencies = [];
  let failures = 0;
  const instance = autocannon({ pipelining: 1, ...options });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    else failures++;
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  return { latencies, failures: failures + result.errors + result.timeouts, seconds: result.duration };
}

/**
 * Calls `call` `rate` times per second on schedule, whatever the answers do
 * (open loop, so a slow answer cannot hold back the next call), and keeps
 * the latency of each call that resolved true, from its start to its end.
 */
export function openLoop({ rate, seconds, call }) {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const latencies = [];
  let failures = 0;
  let sent = 0;
  let finished = 0;
  const start = performance.now();
  return new Promise((resolve) => {
    const settle = () => {
      if (++finished < total) return;
      latencies.sort((a, b) => a - b);
      resolve({ latencies, failures, seconds: (performance.now() - start) / 1000 });
    };
    const fire = () => {
      const sentAt = performance.now();
      call().then(
        (ok) => {
          if (ok) latencies.push(performance.now() - sentAt);
          else failures++;
          settle();
        },
        () => {
          failures++;
          settle();
        },
      );
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        fire();
        sent++;
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    tick();
  });
}

/** `openLoop` over HTTP: each call is the request `next()` describes; a 2xx answer counts. */
export async function paced({ url, rate, seconds, next }) {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const call = () =>
    new Promise((resolve, reject) => {
      const { method, path: route, body } = next();
      const headers = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
      const request = http.request({ agent, host: target.hostname, port: target.port, method, path: route, headers }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode >= 200 && response.statusCode < 300));
      });
      request.on('error', reject);
      request.end(body);
    });
  try {
    return await openLoop({ rate, seconds, call });
  } finally {
    agent.destroy();
  }
}
