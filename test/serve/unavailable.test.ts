// The answers for a state that cannot be used right now: 503 with
// Retry-After when the lock is held too long or the files cannot be
// written, or the server is stopping, /healthz following suit, and 500
// INTERNAL for a bug (provoked in process with a store whose read throws a
// plain TypeError, since a real store has no way to produce one on purpose).

import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Oms } from '../../src/app/oms.js';
import { buildApp } from '../../src/serve/app.js';
import { createLogger } from '../../src/serve/server.js';
import { openStore } from '../../src/store/open.js';
import type { StateStore } from '../../src/store/store.js';
import { call, holdLock, useServers, type RunningServer } from './helpers.js';

const { fresh, start } = useServers();

const order = (orderId: number) => ({ body: { orderId, symbol: 'ABC', side: 'buy', amount: 1, price: '1' } });

/** A server that added one order, then lost its state's directory: its writes cannot be made until it is back. */
async function serverThatLosesItsDirectory(): Promise<{ server: RunningServer; sub: string }> {
  const { dir } = fresh();
  const sub = path.join(dir, 'sub');
  fs.mkdirSync(sub);
  const server = await start(path.join(sub, 'state.json'));
  expect((await call(server, 'POST', '/orders', order(1))).status).toBe(201);
  fs.rmSync(sub, { recursive: true });
  return { server, sub };
}

describe('503', () => {
  it('STATE_LOCKED past --lock-timeout, with Retry-After and the holder; reads and /healthz still answer', async () => {
    const { state } = fresh();
    const server = await start(state, { globalArgs: ['--lock-timeout', '0.3'] });
    expect((await call(server, 'POST', '/orders', order(1))).status).toBe(201);
    const release = holdLock(state);
    try {
      const locked = await call(server, 'POST', '/orders', order(2));
      expect(locked.status).toBe(503);
      expect(locked.headers.get('retry-after')).toBe('1');
      expect(locked.json.error).toMatchObject({ code: 'STATE_LOCKED', holder: { pid: process.pid, command: 'test holding the lock' } });
      expect((await call(server, 'GET', '/orders')).json.orders).toHaveLength(1);
      expect((await call(server, 'GET', '/healthz')).status).toBe(200);
    } finally {
      release();
    }
    expect((await call(server, 'POST', '/orders', order(2))).status).toBe(201);
  });

  it('STATE_IO when the state cannot be written, with Retry-After; /healthz 503', async () => {
    const { server } = await serverThatLosesItsDirectory();
    const failed = await call(server, 'POST', '/orders', order(2));
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('5');
    expect(failed.json.error.code).toBe('STATE_IO');
    expect((await call(server, 'GET', '/healthz')).status).toBe(503);
  });

  it('recovers once the state can be written again: the next write succeeds and /healthz is 200', async () => {
    const { server, sub } = await serverThatLosesItsDirectory();
    expect((await call(server, 'POST', '/orders', order(2))).json.error.code).toBe('STATE_IO');
    expect((await call(server, 'GET', '/healthz')).json.error.code).toBe('STATE_IO');

    fs.mkdirSync(sub);
    expect((await call(server, 'POST', '/orders', order(3))).status).toBe(201);
    expect((await call(server, 'GET', '/healthz')).status).toBe(200);
  });
});

/** A store whose reads fail the way a bug would. */
class BrokenStore implements StateStore {
  constructor(private readonly real: StateStore) {}
  get location() {
    return this.real.location;
  }
  get stats() {
    return this.real.stats;
  }
  async read(): Promise<never> {
    throw new TypeError('cannot read properties of undefined');
  }
  write: StateStore['write'] = (work, options) => this.real.write(work, options);
  init: StateStore['init'] = (convention) => this.real.init(convention);
  history: StateStore['history'] = (query) => this.real.history(query);
  quotes: StateStore['quotes'] = (query) => this.real.quotes(query);
  status: StateStore['status'] = () => this.real.status();
  close(): Promise<void> {
    return this.real.close();
  }
}

/** The app in this process on a real port, its log collected. */
async function inProcess(store: StateStore) {
  const stderr = new PassThrough();
  const log = { text: '' };
  stderr.on('data', (chunk: Buffer) => {
    log.text += chunk.toString();
  });
  const oms = buildApp({ oms: new Oms(store), logger: createLogger(stderr), token: undefined });
  const url = await oms.app.listen({ host: '127.0.0.1', port: 0 });
  return { ...oms, url, log };
}

describe('503 while stopping', () => {
  it('INTERRUPTED with Retry-After for requests that still arrive, and the connection is closed', async () => {
    const { state } = fresh();
    const store = await openStore(state);
    const { app, url, beginDrain } = await inProcess(store);
    try {
      expect((await call({ url }, 'GET', '/healthz')).status).toBe(200);
      beginDrain();
      for (const [method, route] of [['POST', '/orders'], ['GET', '/orders'], ['GET', '/healthz']] as const) {
        const reply = await call({ url }, method, route, method === 'POST' ? { body: { orderId: 1, symbol: 'A', side: 'buy', amount: 1, price: '1' } } : {});
        expect(reply.status).toBe(503);
        expect(reply.json.error.code).toBe('INTERRUPTED');
        expect(reply.headers.get('retry-after')).toBe('1');
        expect(reply.headers.get('connection')).toBe('close');
      }
      expect((await store.read()).orderCount).toBe(0);
    } finally {
      await app.close();
      await store.close();
    }
  });
});

describe('500', () => {
  it('INTERNAL for anything that is not an OmsError, in the error shape, logged with its stack; /healthz 503', async () => {
    const { state } = fresh();
    const store = new BrokenStore(await openStore(state));
    const { app, url, log } = await inProcess(store);
    try {
      const reply = await call({ url }, 'GET', '/price?symbol=JPM&side=buy&amount=1');
      expect(reply.status).toBe(500);
      expect(reply.json.error.code).toBe('INTERNAL');
      expect(reply.json.error.message).toContain('cannot read properties of undefined');
      expect(reply.json.error.message).toContain('This is a bug in oms');
      expect((await call({ url }, 'GET', '/healthz')).status).toBe(503);
      expect(log.text).toContain('"msg":"internal error"');
      expect(log.text).toContain('TypeError');
    } finally {
      await app.close();
      await store.close();
    }
  });
});
