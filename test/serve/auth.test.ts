// Auth (SPEC §7): with a token every route but /healthz needs the bearer
// token; without one the server refuses a non-loopback address. Plus the
// other ways `oms serve` itself refuses to start.

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { oms } from '../e2e/helpers.js';
import { call, useServers } from './helpers.js';

const { fresh, start } = useServers();

const order = { body: { orderId: 1, symbol: 'JPM', side: 'buy', amount: 1, price: '1' } };

describe('bearer token', () => {
  it('from $OMS_TOKEN: none → 401, wrong → 401, right → 2xx; /healthz open', async () => {
    const server = await start(fresh().state, { env: { OMS_TOKEN: 's3cret-token' } });
    const none = await call(server, 'GET', '/orders');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="oms"');
    expect(none.json.error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'authorization' });
    expect((await call(server, 'POST', '/orders', { ...order, token: 'wrong' })).status).toBe(401);
    expect((await call(server, 'POST', '/orders', { ...order, token: 's3cret-token-longer' })).status).toBe(401);
    expect((await call(server, 'GET', '/metrics', { headers: { authorization: 's3cret-token' } })).status).toBe(401);
    expect((await call(server, 'GET', '/nowhere')).status).toBe(401);
    expect((await call(server, 'POST', '/orders', { ...order, token: 's3cret-token' })).status).toBe(201);
    expect((await call(server, 'GET', '/orders', { token: 's3cret-token' })).json.orders).toHaveLength(1);
    expect((await call(server, 'GET', '/healthz')).status).toBe(200);
  });

  it('from --token-file (trailing newline ignored), which wins over $OMS_TOKEN; then a non-loopback host is allowed', async () => {
    const { dir, state } = fresh();
    const tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, 'from-file\n', { mode: 0o600 });
    const server = await start(state, { serveArgs: ['--host', '0.0.0.0', '--token-file', tokenFile], env: { OMS_TOKEN: 'from-env' } });
    expect((await server.waitForLog((line) => line.msg === 'listening'))['auth']).toBe('bearer');
    const url = { url: server.url.replace('0.0.0.0', '127.0.0.1') };
    expect((await call(url, 'GET', '/orders', { token: 'from-env' })).status).toBe(401);
    expect((await call(url, 'GET', '/orders', { token: 'from-file' })).status).toBe(200);
  });
});

describe('refusing to start (exit 2, nothing listening)', () => {
  it('a non-loopback --host without a token', async () => {
    const { state } = fresh();
    const result = await oms(['--json', 'serve', '--host', '0.0.0.0', '--port', '0'], { state, env: { OMS_TOKEN: undefined } });
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(String(result.stdout)).error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'host', value: '0.0.0.0' });
    expect(String(result.stderr)).toContain('needs a token');
  });

  it('a bad port, an unreadable or empty token file, --op-id', async () => {
    const { dir, state } = fresh();
    const empty = path.join(dir, 'empty');
    fs.writeFileSync(empty, '\n');
    for (const [args, field] of [
      [['serve', '--port', '70000'], 'port'],
      [['serve', '--port', 'http'], 'port'],
      [['serve', '--port', '0', '--token-file', path.join(dir, 'missing')], 'token-file'],
      [['serve', '--port', '0', '--token-file', empty], 'token-file'],
      [['--op-id', 'x', 'serve', '--port', '0'], 'op-id'],
    ] as const) {
      const result = await oms(['--json', ...args], { state });
      expect(result.exitCode, args.join(' ')).toBe(2);
      expect(JSON.parse(String(result.stdout)).error.field).toBe(field);
    }
  });

  it('a port already in use', async () => {
    const { state } = fresh();
    const server = await start(state);
    const port = new URL(server.url).port;
    const result = await oms(['--json', 'serve', '--port', port], { state });
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(String(result.stdout)).error).toMatchObject({ code: 'INVALID_ARGUMENT', field: 'port' });
  });
});
