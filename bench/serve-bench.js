// Latency and throughput of `oms serve` on loopback (issue 9, SPEC §7): a real
// server on a temp state, for GET /price and POST /orders (unique ids, every
// acknowledgement fsynced) at a fixed 1,000 req/s and at saturation.
//
// Saturation is autocannon (closed loop, many connections). The fixed rate
// is an open-loop paced client here instead: autocannon's rate limit lets
// each connection send its whole per-second quota at once and then idle
// (lib/httpClient.js: reqsMadeThisSecond, reset every 1000 ms), so its
// "1,000 req/s" is a one-second-period burst that measures queueing, not
// the latency at that rate. Latencies are each response's own time in ms
// (autocannon's histogram keeps whole milliseconds, too coarse for a 1 ms
// target); fsyncs per committed request come from the server's /metrics.
//
//   node bench/serve-bench.js [--quick]
//
// Prints a table to stderr and exactly one JSON document to stdout, for
// bench/run.js to merge. Needs the build (dist/) for bin/oms.js.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load, paced, percentile, startServer } from './lib/http-load.js';

const quick = process.argv.includes('--quick');
/** Seconds per measured phase, and per warm-up before each route. */
const SECONDS = quick ? { phase: 3, warmup: 1 } : { phase: 10, warmup: 2 };
const FIXED_RATE = 1000;
const CONNECTIONS = { fixed: 10, saturation: 64 };
const TARGETS = {
  price: { p99Ms: 1 },
  orders: { p99Ms: 5 },
  fsyncsPerRequest: 0.5,
};

function log(line) {
  process.stderr.write(`${line}\n`);
}

async function post(url, route, body) {
  const response = await fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 201) throw new Error(`POST ${route}: ${response.status} ${await response.text()}`);
}

/** A book for GET /price to walk: 100 price levels of 10 orders on the Buy side. */
async function seedBook(url) {
  const orders = [];
  for (let level = 0; level < 100; level++) {
    for (let i = 0; i < 10; i++) orders.push({ orderId: level * 10 + i + 1, symbol: 'BENCH', side: 'buy', amount: 10, price: `${100 + level}.25` });
  }
  for (let i = 0; i < orders.length; i += 50) await Promise.all(orders.slice(i, i + 50).map((order) => post(url, '/orders', order)));
}

async function scrape(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { fsyncs: value('oms_store_fsyncs_total'), committed: value('oms_committed_requests_total'), checkpoints: value('oms_store_checkpoints_total') };
}

const round = (value, digits = 3) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : null);

function row(name, rate, measured, serverTimes, extra) {
  const { latencies, seconds } = measured;
  return {
    name,
    rate,
    requests: latencies.length,
    rps: round(latencies.length / seconds, 0),
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    p999: round(percentile(latencies, 99.9)),
    serverP50: round(percentile(serverTimes, 50)),
    serverP99: round(percentile(serverTimes, 99)),
    ...extra,
    errors: measured.failures,
  };
}

/** A fixed-rate run passes if it kept the rate without errors and met the p99 target. */
function judgeFixed(result, p99Ms) {
  const keptRate = result.rps >= FIXED_RATE * 0.95;
  return { ...result, target: `p99 < ${p99Ms} ms at ${FIXED_RATE} req/s`, pass: result.errors === 0 && keptRate && result.p99 !== null && result.p99 < p99Ms };
}

async function main() {
  // Other processes on the machine show in the tails: the report says how busy it was.
  const loadAtStart = os.loadavg()[0];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-serve-bench-'));
  const server = await startServer(dir);
  const results = [];
  try {
    await seedBook(server.url);
    /** Runs a phase; returns what the client saw, the server's own times and fsyncs per committed request. */
    const measure = async (route, phase) => {
      server.requestTimes(route);
      const before = await scrape(server.url);
      const measured = await phase();
      const after = await scrape(server.url);
      const committed = after.committed - before.committed;
      return {
        measured,
        serverTimes: server.requestTimes(route),
        fsyncsPerRequest: committed > 0 ? round((after.fsyncs - before.fsyncs) / committed) : undefined,
        checkpoints: after.checkpoints - before.checkpoints,
      };
    };

    const pricePath = '/price?symbol=BENCH&side=buy&amount=250';
    const price = { method: 'GET', path: pricePath };
    await load({ url: `${server.url}${pricePath}`, connections: CONNECTIONS.fixed, duration: SECONDS.warmup });
    const priceFixed = await measure('/price', () => paced({ url: server.url, rate: FIXED_RATE, seconds: SECONDS.phase, next: () => price }));
    results.push(judgeFixed(row('GET /price', FIXED_RATE, priceFixed.measured, priceFixed.serverTimes), TARGETS.price.p99Ms));
    const priceMax = await measure('/price', () => load({ url: `${server.url}${pricePath}`, connections: CONNECTIONS.saturation, duration: SECONDS.phase }));
    const priceMaxRow = row('GET /price', 'max', priceMax.measured, priceMax.serverTimes);
    results.push({ ...priceMaxRow, target: 'no errors (throughput)', pass: priceMaxRow.errors === 0 });

    let nextId = 1_000_000;
    const orderBody = () => {
      const orderId = nextId++;
      return JSON.stringify({ orderId, symbol: 'LOAD', side: orderId % 2 ? 'buy' : 'sell', amount: 1 + (orderId % 50), price: `${50 + (orderId % 100)}.5` });
    };
    const saturateOrders = (duration) =>
      load({
        url: server.url,
        connections: CONNECTIONS.saturation,
        duration,
        requests: [{ method: 'POST', path: '/orders', headers: { 'content-type': 'application/json' }, setupRequest: (request) => ({ ...request, body: orderBody() }) }],
      });

    await saturateOrders(SECONDS.warmup);
    const fixed = await measure('/orders', () => paced({ url: server.url, rate: FIXED_RATE, seconds: SECONDS.phase, next: () => ({ method: 'POST', path: '/orders', body: orderBody() }) }));
    results.push(judgeFixed(row('POST /orders', FIXED_RATE, fixed.measured, fixed.serverTimes, { fsyncsPerRequest: fixed.fsyncsPerRequest, checkpoints: fixed.checkpoints }), TARGETS.orders.p99Ms));
    const max = await measure('/orders', () => saturateOrders(SECONDS.phase));
    const maxRow = row('POST /orders', 'max', max.measured, max.serverTimes, { fsyncsPerRequest: max.fsyncsPerRequest, checkpoints: max.checkpoints });
    results.push({
      ...maxRow,
      target: `fsyncs/request < ${TARGETS.fsyncsPerRequest} (group commit)`,
      pass: maxRow.errors === 0 && max.fsyncsPerRequest !== undefined && max.fsyncsPerRequest < TARGETS.fsyncsPerRequest,
    });
  } finally {
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    if (exit.code !== 0) log(`warning: oms serve exited with ${exit.code ?? exit.signal} after SIGTERM`);
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const cpus = os.cpus();
  const report = {
    machine: {
      cpu: cpus[0]?.model ?? 'unknown',
      cores: cpus.length,
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      os: `${os.type()} ${os.release()}`,
      node: process.version,
      loadAverage1m: round(loadAtStart, 2),
    },
    date: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    results,
  };
  printTable(report);
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

function printTable(report) {
  const header = ['route', 'rate', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'p99.9 ms', 'server p50/p99 ms', 'fsyncs/req', 'target', 'pass'];
  const rows = report.results.map((r) => [
    r.name,
    String(r.rate),
    String(r.requests),
    String(r.rps),
    String(r.p50),
    String(r.p99),
    String(r.p999),
    `${r.serverP50} / ${r.serverP99}`,
    r.fsyncsPerRequest === undefined ? '' : String(r.fsyncsPerRequest),
    r.target,
    r.pass ? 'yes' : 'NO',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((cells) => cells[i].length)));
  const line = (cells) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  log(`oms serve on loopback (${report.mode}), ${report.machine.cpu} x${report.machine.cores}, ${report.machine.node}, load ${report.machine.loadAverage1m}, ${report.date}`);
  log(line(header));
  for (const cells of rows) log(line(cells));
}

await main();
