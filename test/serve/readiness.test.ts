// /readyz and the drain (SPEC §10), on real `oms serve` processes: ready when
// the state is usable; from SIGTERM on 503 while every other route still
// answers for --drain-ms; then the usual stop, exit 0. And two servers on one
// state: what one acknowledged, the other answers at once (its reads catch up
// with the journal), without a write of its own.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, useServers, type RunningServer } from './helpers.js';

const { fresh, start } = useServers();

const order = (orderId: number, symbol = 'RDY') => ({ body: { orderId, symbol, side: 'sell', amount: 10, price: '5' }, key: `add-${orderId}` });

describe('/readyz', () => {
  it('is 200 on a usable state (even a missing one), and open without the token', async () => {
    const { dir, state } = fresh();
    const tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, 's3cret\n');
    const server = await start(state, { serveArgs: ['--token-file', tokenFile] });
    const ready = await call(server, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json).toEqual({ status: 'ready' });
    expect((await call(server, 'GET', '/orders')).status).toBe(401);
  });

  it('is 503 with the error when the state cannot be read, like /healthz', async () => {
    const { dir } = fresh();
    const state = path.join(dir, 'state.json');
    const server = await start(state);
    expect((await call(server, 'POST', '/orders', order(1))).status).toBe(201);
    // A journal from another state: the server's next catch-up finds it.
    fs.writeFileSync(`${dir}/state.journal`, '{"oms":"journal","schema":1,"id":"someone-else","convention":"document","createdAt":"2026-01-01T00:00:00.000Z","baseSeq":0}\n');
    const unready = await call(server, 'GET', '/readyz');
    expect(unready.status).toBe(503);
    expect(unready.json.error.code).toBe('STATE_CORRUPT');
  });
});

describe('SIGTERM with --drain-ms', () => {
  it('/readyz turns 503 at once while the other routes still answer; then the server stops and exits 0', async () => {
    // The checks must run inside the drain window; if a slow machine let the
    // window close first (seen in the log), the run says nothing and is redone with a longer one.
    for (let drainMs = 2000; ; drainMs *= 2) {
      const { state } = fresh();
      const server = await start(state, { serveArgs: ['--drain-ms', String(drainMs)], globalArgs: ['--json'] });
      expect((await call(server, 'POST', '/orders', order(1))).status).toBe(201);
      server.child.kill('SIGTERM');
      await server.waitForLog((line) => line.msg.startsWith('draining'));

      const ready = await call(server, 'GET', '/readyz');
      const added = await call(server, 'POST', '/orders', order(2));
      const read = await call(server, 'GET', '/orders');
      const healthy = await call(server, 'GET', '/healthz');
      const windowClosed = server.logs.some((line) => line.msg.startsWith('stopping'));
      const exit = await server.exited;
      expect(exit.code).toBe(0);
      if (windowClosed && drainMs < 32_000) continue;

      expect(ready.status).toBe(503);
      expect(ready.json.error.code).toBe('INTERRUPTED');
      expect(added.status).toBe(201);
      expect(read.json.orders).toHaveLength(2);
      expect(healthy.status).toBe(200);
      expect(JSON.parse(exit.stdout)).toMatchObject({ stopped: 'SIGTERM', committedRequests: 2 });
      return;
    }
  });

  it('SIGINT (Ctrl-C) does not wait for the drain window', async () => {
    const server = await start(fresh().state, { serveArgs: ['--drain-ms', '600000'] });
    server.child.kill('SIGINT');
    const exit = await server.exited;
    expect(exit.code).toBe(0);
    expect(server.logs.some((line) => line.msg.startsWith('draining'))).toBe(false);
  });

  it('--drain-ms must be a number of milliseconds', async () => {
    const { oms } = await import('../e2e/helpers.js');
    const result = await oms(['serve', '--port', '0', '--drain-ms', 'soon'], { state: fresh().state });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('drain-ms');
  });
});

describe('two servers on one state', () => {
  it('each answers what the other acknowledged, at once, without writing itself', async () => {
    const { state } = fresh();
    const a = await start(state);
    const b = await start(state);
    const servers = [a, b];
    for (let i = 1; i <= 40; i++) {
      const writer = servers[i % 2] as RunningServer;
      const reader = servers[(i + 1) % 2] as RunningServer;
      expect((await call(writer, 'POST', '/orders', order(i))).status).toBe(201);
      const seen = await call(reader, 'GET', `/orders/${i}`);
      expect(seen.status).toBe(200);
      expect(seen.json.status).toBe('live');
    }
    const trade = await call(a, 'POST', '/trades', { body: { symbol: 'RDY', side: 'sell', amount: 15 }, key: 'cross-trade' });
    expect(trade.status).toBe(201);
    const trades = await call(b, 'GET', '/trades');
    expect(trades.json.trades.map((entry: { opId: string }) => entry.opId)).toEqual(['cross-trade']);
    // A replay through the other server answers the first one's result.
    const replay = await call(b, 'POST', '/trades', { body: { symbol: 'RDY', side: 'sell', amount: 15 }, key: 'cross-trade' });
    expect(replay.status).toBe(200);
    expect(replay.json.trade.tradeId).toBe(trade.json.trade.tradeId);
    expect((await call(b, 'GET', '/readyz')).status).toBe(200);
  });
});
