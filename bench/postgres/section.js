// Section 5: the PostgreSQL store (issue 13) beside the file store, in one
// run, on a throwaway server with fsync on (scripts/postgres-cluster.js), or
// on $OMS_BENCH_DATABASE_URL. Rows: the disk's fsync cost (what every commit
// pays, on either store), `oms add` and `oms price` as whole processes on an
// empty and a 1M-order PostgreSQL state (100 symbols, as the issue asks), and `oms serve` POST /orders at a paced
// 500 req/s (p50/p99) and at saturation, with the file store measured the
// same ways in the same run (the ratio the issue asks for), and beside them
// the machine's floors at that rate (bare HTTP, bare durable commit).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startCluster, stopCluster } from '../../scripts/postgres-cluster.js';
import { httpFloor, postgresCommitFloor } from '../lib/floor.js';
import { load, paced, percentile, startServer } from '../lib/http-load.js';
import { timeProcess } from '../lib/node-process.js';
import { OMS } from '../lib/paths.js';
import { median } from '../lib/stats.js';

const FULL = { runs: 15, big: 1_000_000, seconds: 10, warmup: 2, fsyncs: 200 };
const QUICK = { runs: 5, big: 20_000, seconds: 3, warmup: 1, fsyncs: 50 };
const RATE = 500;
const CONNECTIONS = 64;

function oms(args) {
  const result = spawnSync(process.execPath, [OMS, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`oms ${args.join(' ')} exited ${result.status}: ${result.stderr.trim()}`);
  return result.stdout;
}

/** Median ms of an 8 KiB write plus fdatasync in `dir` (what pg_test_fsync calls one write + fdatasync). */
function fsyncCost(dir, count) {
  const file = path.join(dir, 'fsync-probe');
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(8192, 1);
  const times = [];
  try {
    for (let i = 0; i < count; i++) {
      const start = performance.now();
      fs.writeSync(fd, block, 0, block.length, 0);
      fs.fdatasyncSync(fd);
      times.push(performance.now() - start);
    }
  } finally {
    fs.closeSync(fd);
    fs.rmSync(file, { force: true });
  }
  return median(times);
}

/**
 * `count` live orders over 100 symbols (bids and asks that never cross), in
 * atomic writes whose commands are given without waiting, so their lookups
 * go to the database in large groups.
 */
async function buildBig(state, count) {
  const { openStore } = await import('../../dist/store/open.js');
  const { addCommand } = await import('../../dist/core/commands.js');
  const store = await openStore(state);
  try {
    // Writes of 100k orders each: a million commands in flight at once would hold a gigabyte of promises.
    for (let from = 0; from < count; from += 100_000) {
      await store.write(
        async (tx) => {
          const added = [];
          for (let i = from; i < Math.min(count, from + 100_000); i++) {
            const buy = i % 2 === 0;
            const price = String(buy ? 1000 - (i % 500) : 1001 + (i % 500));
            added.push(tx.execute(addCommand({ orderId: i + 1, symbol: `SYM${String(i % 100).padStart(3, '0')}`, side: buy ? 'Buy' : 'Sell', amount: 1 + (i % 100), price })));
          }
          await Promise.all(added);
        },
        { atomic: true },
      );
    }
  } finally {
    await store.close();
  }
}

const withSchema = (url, schema) => {
  const u = new URL(url);
  u.searchParams.set('schema', schema);
  return u.toString();
};

const row = (name, unit, value, extra = {}) => ({ section: 'postgres', name, unit, oms: value, reference: null, ratio: null, target: '', pass: null, ...extra });

/** POST /orders on `state` through `oms serve`: paced at RATE (latencies) and at saturation (throughput). */
/** Bodies of POST /orders: new order ids, both sides, prices that never cross. */
function orderBodies() {
  let nextId = 1_000_000;
  return () => {
    const orderId = nextId++;
    return JSON.stringify({ orderId, symbol: 'LOAD', side: orderId % 2 ? 'buy' : 'sell', amount: 1 + (orderId % 50), price: `${50 + (orderId % 100)}.5` });
  };
}

async function serveOrders(dir, state, config) {
  fs.mkdirSync(dir, { recursive: true });
  const server = await startServer(dir, state);
  const body = orderBodies();
  const saturate = (duration) =>
    load({
      url: server.url,
      connections: CONNECTIONS,
      duration,
      requests: [{ method: 'POST', path: '/orders', headers: { 'content-type': 'application/json' }, setupRequest: (request) => ({ ...request, body: body() }) }],
    });
  try {
    await saturate(config.warmup);
    const fixed = await paced({ url: server.url, rate: RATE, seconds: config.seconds, next: () => ({ method: 'POST', path: '/orders', body: body() }) });
    const max = await saturate(config.seconds);
    return { fixed, max };
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

export async function postgresSection({ quick, dir, log }) {
  const config = quick ? QUICK : FULL;
  // As root the server runs as an unprivileged user, who must reach its folder.
  fs.chmodSync(dir, 0o711);
  const clusterDir = path.join(dir, 'postgres');
  const given = process.env.OMS_BENCH_DATABASE_URL;
  log(given ? 'postgres: using $OMS_BENCH_DATABASE_URL' : 'postgres: starting a throwaway server (fsync on)');
  const base = given ?? (await startCluster(clusterDir, { durable: true })).url;
  const rows = [];
  const raw = { config };
  try {
    raw.fsyncMs = fsyncCost(given ? dir : clusterDir, config.fsyncs);
    rows.push(row('fsync cost of this disk (8 KiB write + fdatasync)', 'ms', raw.fsyncMs));

    const run = Date.now().toString(36);
    const empty = withSchema(base, `bench_empty_${run}`);
    oms(['--state', empty, '--quiet', 'init']);
    log(`postgres: building a ${config.big}-order state`);
    const big = withSchema(base, `bench_big_${run}`);
    await buildBig(big, config.big);
    let nextId = 90_000_000;
    const add = (state) => timeProcess([OMS, '--state', state, 'add', String(nextId++), 'SYM001', 'Buy', '5', '999']);
    // SYM001 holds only sells in the big state: a price walks one symbol's book of size/100 orders.
    const price = (state) => timeProcess([OMS, '--state', state, 'price', '--partial', 'SYM001', 'Sell', '5']);
    const cases = { node: () => timeProcess(['-e', '0']), empty: () => add(empty), big: () => add(big), emptyPrice: () => price(empty), bigPrice: () => price(big) };
    const times = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
    for (const runCase of Object.values(cases)) runCase();
    log(`postgres: ${config.runs} rounds of oms add and oms price`);
    for (let round = 0; round < config.runs; round++) for (const [name, runCase] of Object.entries(cases)) times[name].push(runCase());
    raw.cliTimes = times;
    const ms = Object.fromEntries(Object.entries(times).map(([name, values]) => [name, median(values)]));
    const size = config.big >= 1_000_000 ? `${config.big / 1_000_000}M` : `${config.big / 1000}k`;
    for (const [command, onEmpty, onBig] of [['add', ms.empty, ms.big], ['price', ms.emptyPrice, ms.bigPrice]]) {
      rows.push(row(`\`oms ${command}\` on PostgreSQL, empty state`, 'ms', onEmpty, { reference: ms.node, referenceName: 'node -e 0', ratio: onEmpty / ms.node }));
      rows.push(
        row(`\`oms ${command}\` on PostgreSQL, ${size} live orders`, 'ms', onBig, {
          reference: onEmpty,
          referenceName: 'empty PostgreSQL state',
          ratio: onBig / onEmpty,
          target: '≤ 2x empty',
          pass: onBig / onEmpty <= 2,
        }),
      );
    }

    log(`postgres: the machine's floors at ${RATE}/s (bare HTTP server, bare durable commit)`);
    const floors = {
      http: await httpFloor({ rate: RATE, seconds: config.seconds, body: orderBodies() }),
      commit: await postgresCommitFloor({ url: base, rate: RATE, seconds: config.seconds, schema: `bench_floor_${run}` }),
    };
    log(`postgres: oms serve POST /orders at ${RATE} req/s and at saturation`);
    const onPg = await serveOrders(path.join(dir, 'serve-pg'), withSchema(base, `bench_serve_${run}`), config);
    log(`postgres: the file store the same ways, for the ratios`);
    const onFile = await serveOrders(path.join(dir, 'serve-file'), path.join(dir, 'serve-file', 'state.json'), config);
    const p = (measured, q) => percentile(measured.latencies, q);
    const latencies = (measured) => `p50 ${p(measured, 50).toFixed(2)} ms; p99 ${p(measured, 99).toFixed(2)} ms; ${measured.failures} errors`;
    const keptRate = (measured) => measured.latencies.length / measured.seconds >= RATE * 0.95;
    const floorNote = 'no target: what any server meets on this machine now';
    rows.push(row(`floor: a bare Node HTTP server at ${RATE} req/s, p99`, 'ms', p(floors.http, 99), { note: `${latencies(floors.http)}; ${floorNote}` }));
    rows.push(
      row(`floor: a bare durable PostgreSQL commit (one round trip) at ${RATE}/s, p99`, 'ms', p(floors.commit, 99), {
        note: `${latencies(floors.commit)}; ${floorNote}`,
      }),
    );
    rows.push(row(`\`oms serve\` POST /orders on the file store at ${RATE} req/s, p99`, 'ms', p(onFile.fixed, 99), { note: latencies(onFile.fixed) }));
    const fixed = onPg.fixed;
    rows.push(
      row(`\`oms serve\` POST /orders on PostgreSQL at ${RATE} req/s, p99`, 'ms', p(fixed, 99), {
        reference: p(onFile.fixed, 99),
        referenceName: 'file store, same rate',
        ratio: p(fixed, 99) / p(onFile.fixed, 99),
        target: 'p99 < 5 ms',
        pass: fixed.failures === 0 && keptRate(fixed) && p(fixed, 99) < 5,
        note: `${latencies(fixed)}; ${(fixed.latencies.length / fixed.seconds).toFixed(0)} req/s kept`,
      }),
    );
    const pgRps = onPg.max.latencies.length / onPg.max.seconds;
    const fileRps = onFile.max.latencies.length / onFile.max.seconds;
    rows.push(
      row('`oms serve` POST /orders on PostgreSQL at saturation', 'req/s', pgRps, {
        reference: fileRps,
        referenceName: 'file store, same run',
        ratio: pgRps / fileRps,
        target: '≥ 0.5x file store',
        pass: onPg.max.failures === 0 && pgRps / fileRps >= 0.5,
        note: `p50 ${p(onPg.max, 50).toFixed(2)} ms; p99 ${p(onPg.max, 99).toFixed(2)} ms; file store ${fileRps.toFixed(0)} req/s`,
      }),
    );
    const summary = (measured) => ({ p50: p(measured, 50), p99: p(measured, 99), failures: measured.failures });
    raw.floors = { http: summary(floors.http), commit: summary(floors.commit) };
    raw.serve = {
      pg: { fixed: summary(fixed), max: { rps: pgRps, failures: onPg.max.failures } },
      file: { fixed: summary(onFile.fixed), max: { rps: fileRps, failures: onFile.max.failures } },
    };
  } finally {
    if (!given) await stopCluster(clusterDir);
  }
  return { rows, raw };
}
