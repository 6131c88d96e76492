// Throughput and latency of several `oms serve` processes behind HAProxy
// (issue 14, SPEC §10): GET /price and POST /orders at saturation
// (autocannon, 64 connections through HAProxy) for 1, 2 and 3 servers on one
// shared state, and for one server alone without HAProxy, with the machine's
// fsync cost measured beside them. The 1/2/3-server runs share a PostgreSQL
// state (one schema each; the lone server stays on a file, as SPEC §10 asks)
// when the build has the PostgreSQL store: on --database URL, or else on a
// throwaway server started here; without it they share a file.
//
//   node bench/cluster-bench.js [--quick] [--database URL|postgres|file]
//
// Prints a table to stderr and exactly one JSON document to stdout (for
// bench/run.js). Needs the build (dist/) and haproxy.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Cluster } from '../deploy/lib/cluster.js';
import { throwawayPostgres } from '../deploy/lib/postgres.js';

/** Present once the PostgreSQL store is built. */
const POSTGRES_BUILD = new URL('../dist/store/postgres/store.js', import.meta.url);

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const asked = args.includes('--database') ? args[args.indexOf('--database') + 1] : process.env.OMS_BENCH_DATABASE_URL;
const SECONDS = quick ? { phase: 3, warmup: 1 } : { phase: 8, warmup: 2 };
const CONNECTIONS = 64;
const log = (line) => process.stderr.write(`${line}\n`);
const round = (value, digits = 3) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : null);

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** fsync of a 4 KiB append, the cost under every acknowledged POST (median and p99 of 200, in ms). */
function fsyncCost(dir) {
  const file = path.join(dir, 'fsync-probe');
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  const times = [];
  try {
    for (let i = 0; i < 200; i++) {
      fs.writeSync(fd, block);
      const start = performance.now();
      fs.fsyncSync(fd);
      times.push(performance.now() - start);
    }
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
  }
  times.sort((a, b) => a - b);
  return { p50: round(percentile(times, 50)), p99: round(percentile(times, 99)) };
}

/** autocannon at saturation; keeps each 2xx response's latency (ms). */
async function saturate(options) {
  const latencies = [];
  let failures = 0;
  const instance = autocannon({ connections: CONNECTIONS, pipelining: 1, ...options });
  instance.on('response', (_client, status, _bytes, responseTime) => {
    if (status >= 200 && status < 300) latencies.push(responseTime);
    else failures++;
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  return { rps: round(latencies.length / result.duration, 0), p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), requests: latencies.length, errors: failures + result.errors + result.timeouts };
}

async function post(url, body) {
  const response = await fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 201) throw new Error(`POST /orders: ${response.status} ${await response.text()}`);
}

/** The book GET /price walks, as in serve-bench: 100 levels of 10 buy orders; a 250-unit price crosses 25 levels. */
async function seedBook(url) {
  const orders = [];
  for (let level = 0; level < 100; level++) {
    for (let i = 0; i < 10; i++) orders.push({ orderId: level * 10 + i + 1, symbol: 'BENCH', side: 'buy', amount: 10, price: `${100 + level}.25` });
  }
  for (let i = 0; i < orders.length; i += 50) await Promise.all(orders.slice(i, i + 50).map((order) => post(url, order)));
}

async function measure({ name, store, servers, direct, state, dir }) {
  log(`cluster bench: ${name}`);
  const cluster = await Cluster.start({ state, servers, dir, serveArgs: ['--drain-ms', '0', '--quiet'] });
  try {
    const url = direct ? [...cluster.servers.values()][0].url : cluster.url;
    await seedBook(url);
    const pricePath = '/price?symbol=BENCH&side=buy&amount=250';
    await saturate({ url: `${url}${pricePath}`, duration: SECONDS.warmup });
    const price = await saturate({ url: `${url}${pricePath}`, duration: SECONDS.phase });
    let nextId = 1_000_000;
    const orders = (duration) =>
      saturate({
        url,
        duration,
        requests: [
          {
            method: 'POST',
            path: '/orders',
            headers: { 'content-type': 'application/json' },
            setupRequest: (request) => {
              const orderId = nextId++;
              return { ...request, body: JSON.stringify({ orderId, symbol: 'LOAD', side: orderId % 2 ? 'buy' : 'sell', amount: 1 + (orderId % 50), price: `${50 + (orderId % 100)}.5` }) };
            },
          },
        ],
      });
    await orders(SECONDS.warmup);
    const post = await orders(SECONDS.phase);
    return { name, store, servers, balancer: !direct, price, orders: post };
  } finally {
    await cluster.stop();
  }
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-cluster-bench-'));
  const loadAtStart = os.loadavg()[0];
  const results = [];
  let throwaway;
  try {
    const fsync = fsyncCost(dir);
    let database = asked === 'file' ? undefined : asked;
    if (database === 'postgres' || (database === undefined && asked !== 'file' && fs.existsSync(POSTGRES_BUILD))) {
      log('cluster bench: starting a throwaway PostgreSQL');
      throwaway = await throwawayPostgres(dir);
      database = throwaway.state;
    }
    /** Where a configuration's state lives: a file in its own folder, or its own PostgreSQL schema. */
    const stateOf = (store, folder) => {
      if (store === 'file') return path.join(folder, 'state.json');
      const url = new URL(database);
      url.searchParams.set('schema', `bench_cluster_${path.basename(folder)}_${process.pid}`);
      return url.toString();
    };
    const shared = database ? 'postgres' : 'file';
    const configs = [
      { name: '1 server, file store, no balancer', store: 'file', servers: 1, direct: true },
      ...[1, 2, 3].map((n) => ({ name: `${n} server${n > 1 ? 's' : ''} behind HAProxy, ${shared} store`, store: shared, servers: n, direct: false })),
    ];
    for (const [i, config] of configs.entries()) {
      const folder = path.join(dir, `c${i}`);
      fs.mkdirSync(folder);
      results.push(await measure({ ...config, dir: folder, state: stateOf(config.store, folder) }));
    }
    const report = {
      date: new Date().toISOString(),
      mode: quick ? 'quick' : 'full',
      machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', node: process.version, loadAverage1m: round(loadAtStart, 2) },
      connections: CONNECTIONS,
      seconds: SECONDS.phase,
      fsyncMs: fsync,
      results,
    };
    log(`fsync of a 4 KiB append: p50 ${fsync.p50} ms, p99 ${fsync.p99} ms; ${CONNECTIONS} connections, ${SECONDS.phase} s per phase, load ${report.machine.loadAverage1m}`);
    for (const r of results) {
      log(`${r.name.padEnd(42)}  GET /price ${String(r.price.rps).padStart(6)} req/s p50 ${r.price.p50} p99 ${r.price.p99} ms  |  POST /orders ${String(r.orders.rps).padStart(6)} req/s p50 ${r.orders.p50} p99 ${r.orders.p99} ms  errors ${r.price.errors + r.orders.errors}`);
    }
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await throwaway?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
