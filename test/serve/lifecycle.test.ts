// The server's two ways to end (SPEC §7): SIGTERM drains (every request in
// flight is answered, the lock is released, exit 0), and kill -9 loses no
// acknowledged operation, so resending what went unanswered, under the same
// Idempotency-Key, applies each request exactly once.

import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { statePaths } from '../../src/store/paths.js';
import { omsJson } from '../e2e/helpers.js';
import { call, holdLock, metric, PATIENT_LOCK, until, useServers } from './helpers.js';

const { fresh, start } = useServers();

describe('graceful stop', () => {
  it('SIGTERM with requests in flight: each gets its answer, the lock is released, exit 0', async () => {
    const { state } = fresh();
    const server = await start(state, { globalArgs: ['--json', ...PATIENT_LOCK] });
    expect((await call(server, 'POST', '/orders', { body: { orderId: 1, symbol: 'STOP', side: 'buy', amount: 1, price: '1' } })).status).toBe(201);

    // Requests are held in flight by a lock the test owns, until the server has seen SIGTERM.
    const release = holdLock(state);
    const count = 20;
    let replies: Promise<Awaited<ReturnType<typeof call>>[]>;
    try {
      replies = Promise.all(
        Array.from({ length: count }, (_, i) => call(server, 'POST', '/orders', { body: { orderId: 100 + i, symbol: 'STOP', side: 'buy', amount: 1, price: '2' } })),
      );
      await until(async () => metric((await call(server, 'GET', '/metrics')).json, 'oms_pending_commits') === count, 'the requests to be in flight');
      server.child.kill('SIGTERM');
      await server.waitForLog((line) => line.msg.startsWith('stopping'));
    } finally {
      release();
    }

    for (const reply of await replies) expect(reply.status).toBe(201);
    const exit = await server.exited;
    expect(exit.code).toBe(0);
    expect(JSON.parse(exit.stdout)).toMatchObject({ stopped: 'SIGTERM', committedRequests: count + 1 });
    expect(fs.existsSync(statePaths(state).lock)).toBe(false);
    const { json } = await omsJson(['orders'], { state });
    expect(json.orders).toHaveLength(count + 1);
  });

  it('SIGINT stops it the same way, exit 0', async () => {
    const server = await start(fresh().state);
    server.child.kill('SIGINT');
    const exit = await server.exited;
    expect(exit.code).toBe(0);
    expect(exit.stdout).toContain('stopped (SIGINT)');
  });
});

describe('kill -9', () => {
  it('mid-stream of POST /trades: after a restart, resending the unanswered requests gives each trade exactly once', async () => {
    const { state } = fresh();
    let server = await start(state);
    const depth = 1_000_000;
    expect((await call(server, 'POST', '/orders', { body: { orderId: 1, symbol: 'CRASH', side: 'buy', amount: depth, price: '1' } })).status).toBe(201);

    const total = 400;
    const answered = new Map<string, number>();
    let next = 0;
    let killed = false;
    const trade = { symbol: 'CRASH', side: 'buy', amount: 1 };
    const sender = async (): Promise<void> => {
      while (!killed && next < total) {
        const key = `trade-${next++}`;
        const reply = await call(server, 'POST', '/trades', { body: trade, key }).catch(() => undefined);
        // No reply: the connection died with the server.
        if (reply) {
          expect(reply.status).toBe(201);
          answered.set(key, reply.json.trade.tradeId);
        }
        if (!killed && answered.size >= total / 3) {
          killed = true;
          server.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, sender));
    expect((await server.exited).signal).toBe('SIGKILL');
    expect(answered.size).toBeLessThan(total);

    server = await start(state);
    for (let i = 0; i < total; i++) {
      const key = `trade-${i}`;
      if (answered.has(key)) continue;
      const reply = await call(server, 'POST', '/trades', { body: trade, key });
      // 200: it was committed before the kill, only its answer was lost.
      expect([200, 201]).toContain(reply.status);
    }

    const trades = (await call(server, 'GET', `/trades?limit=${total * 2}`)).json.trades as Array<{ opId: string; tradeId: number }>;
    expect(trades).toHaveLength(total);
    expect(new Set(trades.map((entry) => entry.opId)).size).toBe(total);
    for (const [key, tradeId] of answered) expect(trades.find((entry) => entry.opId === key)?.tradeId).toBe(tradeId);
    expect((await call(server, 'GET', '/orders/1')).json.order.amount).toBe(depth - total);
  });
});
