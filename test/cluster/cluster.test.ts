// Several `oms serve` processes on one state behind a real HAProxy (SPEC §10),
// started by deploy/lib/cluster.js as the demo does, under a load of 20
// client loops that follow docs/deployment.md's retry recipe. Whatever happens to the
// servers (a rolling restart, a scale out and in, a kill -9), no client sees
// a failed request, every acknowledged operation is applied exactly once, and
// the state equals a serial replay of its history (test/cluster/verify.ts).
//
// Every test runs on a file state, and on PostgreSQL too where this checkout
// has the PostgreSQL tests' server (test/postgres/server.ts: one throwaway
// server for the whole run, a schema per test). $OMS_CLUSTER_STATE instead
// runs them once on a given location: a file path, a postgres:// URL (a
// schema per test) or "postgres" (a throwaway server per cluster). Needs
// haproxy (skipped, saying so, without it).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module, shared with the demo script
import { Cluster } from '../../deploy/lib/cluster.js';
// @ts-expect-error plain JavaScript module, shared with the demo script
import { findHaproxy } from '../../deploy/lib/haproxy.js';
import { measurePace } from '../pace.js';
import { Load } from './load.js';
import { verifyState } from './verify.js';

let haproxyMissing: string | undefined;
try {
  findHaproxy();
} catch (error) {
  haproxyMissing = (error as Error).message;
  console.warn(`test/cluster skipped: ${haproxyMissing}`);
}

// The balancer needs fall (2) × inter (100 ms) to take a server out; a drain of a few times that is plenty.
const SERVE_ARGS = ['--drain-ms', '1000'];
const LOOPS = 20;
// A hang guard, in commands' worth of work (test/pace.ts): one cluster test is about 25 to 50 (3 or 4
// server starts, restarts, 1,000 to 1,500 requests, HAProxy's checks) on the development machine.
const TIMEOUT_MS = (await measurePace()).commands(100);

const clusters: any[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const cluster of clusters.splice(0)) await cluster.stop();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

// A path in a variable: a checkout without the PostgreSQL store has no such module, and that is fine.
const POSTGRES_TEST_SERVER = '../postgres/server.js';
const postgres = (await import(POSTGRES_TEST_SERVER).catch(() => undefined)) as { testStateUrl(): Promise<string> } | undefined;
const given = process.env['OMS_CLUSTER_STATE'] || undefined;
const STORES = given ? ['given'] : ['file', ...(postgres ? ['postgres'] : [])];

async function stateFor(store: string, name: string, dir: string): Promise<string> {
  if (store === 'file') return path.join(dir, 'state.json');
  if (store === 'postgres') return (postgres as { testStateUrl(): Promise<string> }).testStateUrl();
  if (given === 'postgres' || !given?.startsWith('postgres')) return given as string;
  const url = new URL(given);
  url.searchParams.set('schema', `cluster_${name}_${process.pid}`);
  return url.toString();
}

async function startCluster(store: string, name: string, servers: number): Promise<any> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `oms-cluster-${name}-`));
  dirs.push(dir);
  const cluster = await Cluster.start({ state: await stateFor(store, name, dir), servers, dir, serveArgs: SERVE_ARGS });
  clusters.push(cluster);
  return cluster;
}

async function committedBy(server: { url: string }): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(/^oms_committed_requests_total (\d+)$/m.exec(text)?.[1]);
}

function expectNoFailures(load: Load): void {
  expect(load.failures).toEqual([]);
  expect(load.acked.length).toBe(load.answered);
}

describe.skipIf(haproxyMissing !== undefined).each(STORES)('a cluster behind HAProxy on the %s store', { timeout: TIMEOUT_MS }, (store) => {
  it('rolling restart of 2 servers under load: zero failed requests, exactly once, no overfill', async () => {
    const cluster = await startCluster(store, 'rolling', 2);
    const load = new Load({ urls: [cluster.url], symbol: 'ROLL', loops: LOOPS, minimum: 1000, maximum: 50_000 });
    await load.reached(200);
    const during: Array<{ name: string; before: number; after: number }> = [];
    for (const name of [...cluster.servers.keys()]) {
      const before = load.answered;
      const exit = await cluster.restart(name);
      expect(exit).toEqual({ code: 0, signal: null });
      during.push({ name, before, after: load.answered });
      await load.reached(load.answered + 100);
    }
    await load.end();
    expectNoFailures(load);
    // Each restart happened under load: requests were answered while that server was away.
    for (const step of during) expect(step.after, `requests answered while ${step.name} restarted`).toBeGreaterThan(step.before);
    await verifyState(cluster.url, 'ROLL', load.acked);
  });

  it('scale out under load (a third server takes traffic), then in (two stopped): zero failed requests', async () => {
    const cluster = await startCluster(store, 'scale', 2);
    const load = new Load({ urls: [cluster.url], symbol: 'SCALE', loops: LOOPS, minimum: 1000, maximum: 50_000 });
    await load.reached(200);
    const third = await cluster.add();
    // It takes traffic: it commits some of the load's requests itself.
    for (;;) {
      if ((await committedBy(third)) > 0) break;
      await load.reached(load.answered + 20);
      expect(load.answered, 'the third server never committed a request').toBeLessThan(50_000);
    }
    const names = [...cluster.servers.keys()].filter((name) => name !== third.name);
    for (const name of names) {
      expect(await cluster.remove(name)).toEqual({ code: 0, signal: null });
      await load.reached(load.answered + 100);
    }
    expect([...cluster.servers.keys()]).toEqual([third.name]);
    await load.end();
    expectNoFailures(load);
    await verifyState(cluster.url, 'SCALE', load.acked);
  });

  it('kill -9 of one server under load: retries through HAProxy succeed, exactly once holds', async () => {
    const cluster = await startCluster(store, 'kill', 2);
    const load = new Load({ urls: [cluster.url], symbol: 'KILL', loops: LOOPS, minimum: 1000, maximum: 50_000 });
    await load.reached(300);
    const [victim] = [...cluster.servers.keys()];
    expect(await cluster.kill(victim)).toEqual({ code: null, signal: 'SIGKILL' });
    await load.reached(load.answered + 300);
    // Back again: it catches up with what the other committed meanwhile before it is ready.
    await cluster.restart(victim);
    await load.reached(load.answered + 100);
    await load.end();
    expectNoFailures(load);
    await verifyState(cluster.url, 'KILL', load.acked);
  });

  it('two servers trading one symbol at once end equal to the serial replay of the history', async () => {
    const cluster = await startCluster(store, 'replay', 2);
    const urls = [...cluster.servers.values()].map((server: { url: string }) => server.url);
    const load = new Load({ urls, symbol: 'BOTH', loops: LOOPS, minimum: 1500, maximum: 1500, bothSides: true });
    await load.end();
    expectNoFailures(load);
    for (const server of cluster.servers.values()) expect(await committedBy(server)).toBeGreaterThan(0);
    await verifyState(cluster.url, 'BOTH', load.acked);
  });
});
