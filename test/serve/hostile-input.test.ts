// SPEC §12 over real HTTP: every error, the framework's and Node's included,
// has the {"error":{"code","message"}} shape; numbers are never rounded;
// reserved and non-UTF-8 Idempotency-Keys are refused and a UTF-8 one is
// read as UTF-8; what an attacker puts in a URL or a body reaches no log
// line or message raw.

import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { tempState } from '../e2e/helpers.js';
import { call, startServer, stopServer, useSharedServer } from './helpers.js';

const RAW_CONTROL = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

const shared = useSharedServer();

interface RawReply {
  status: number;
  head: string;
  body: string;
  json: any;
}

/** One request written byte for byte (what fetch would refuse to send), answer read until the server closes. */
function raw(request: Buffer | string): Promise<RawReply> {
  const { hostname, port } = new URL(shared.server.url);
  return new Promise((resolve, reject) => {
    // Written without a half-close: Node drops a request whose client sent FIN before the answer was ready.
    const socket = net.connect(Number(port), hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const body = rest.join('\r\n\r\n');
      let json: any;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      resolve({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]), head, body, json });
    });
  });
}

function post(path: string, body: Buffer | string, headers: Record<string, string> = {}): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const lines = [`POST ${path} HTTP/1.1`, 'Host: x', 'Connection: close', `Content-Length: ${bytes.length}`, ...Object.entries({ 'Content-Type': 'application/json', ...headers }).map(([k, v]) => `${k}: ${v}`)];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), bytes]);
}

function expectShape(reply: { status: number; json: any }, status: number, code = 'INVALID_ARGUMENT'): void {
  expect(reply.status).toBe(status);
  expect(reply.json).toMatchObject({ error: { code, message: expect.any(String) } });
  expect(reply.json.error.message).not.toMatch(RAW_CONTROL);
}

describe('reserved and odd Idempotency-Keys', () => {
  it('quote:, import: and generated-shape keys are 400 and record nothing', async () => {
    for (const key of ['quote:1', 'import:x.csv:AAAAAAAAAAAAAAAA:1', 'op-lz3abc-0123456789ab0']) {
      const reply = await call(shared.server, 'POST', '/quotes', { body: { symbol: 'JPM', side: 'buy', amount: 1, partial: true }, key });
      expectShape(reply, 400);
      expect(reply.json.error).toMatchObject({ field: 'Idempotency-Key' });
      expect(reply.json.error.message).toMatch(/reserved/);
    }
    expect((await call(shared.server, 'GET', '/history')).json.operations).toEqual([]);
  });

  it('a key given twice is 400, not the two joined into a third', async () => {
    const body = JSON.stringify({ orderId: 910, symbol: 'KEY', side: 'buy', amount: 1, price: '1' });
    const twice = await raw(post('/orders', body, { 'Idempotency-Key': 'a', 'idempotency-key': 'b' }));
    expectShape(twice, 400);
    expect(twice.json.error.message).toMatch(/2 times/);
  });

  it('a UTF-8 key is read as UTF-8, not as Latin-1 mojibake; a key that is not UTF-8 is refused', async () => {
    const utf8 = Buffer.from('clé-1', 'utf8').toString('latin1');
    const body = JSON.stringify({ orderId: 900, symbol: 'KEY', side: 'buy', amount: 1, price: '1' });
    const added = await raw(post('/orders', body, { 'Idempotency-Key': utf8 }));
    expect(added.status).toBe(201);
    expect(added.json.opId).toBe('clé-1');
    const latin1 = await raw(post('/orders', body.replace('900', '901'), { 'Idempotency-Key': 'cl\u00e9-2' }));
    expectShape(latin1, 400);
    expect(latin1.json.error.message).toMatch(/UTF-8/);
    // A surrogate encoded as UTF-8 bytes (CESU-8) is not UTF-8 either: no lone surrogate gets in through a header.
    const surrogate = await raw(post('/orders', body.replace('900', '902'), { 'Idempotency-Key': Buffer.from([0x6b, 0xed, 0xa0, 0x80]).toString('latin1') }));
    expectShape(surrogate, 400);
  });
});

describe('JSON numbers are never rounded', () => {
  it('ids and amounts past 2^53 or with a fraction that rounds are 400 naming the field; the state is unchanged', async () => {
    for (const [body, field] of [
      ['{"orderId":9007199254740991.2,"symbol":"R","side":"buy","amount":1,"price":"1"}', 'orderId'],
      ['{"orderId":4503599627370497.5,"symbol":"R","side":"buy","amount":1,"price":"1"}', 'orderId'],
      ['{"orderId":1,"symbol":"R","side":"buy","amount":9007199254740993,"price":"1"}', 'amount'],
      ['{"orderId":1e400,"symbol":"R","side":"buy","amount":1,"price":"1"}', 'orderId'],
      ['{"orderId":-0,"symbol":"R","side":"buy","amount":1,"price":"1"}', 'orderId'],
    ] as const) {
      const reply = await call(shared.server, 'POST', '/orders', { rawBody: body });
      expectShape(reply, 400);
      expect(reply.json.error.field).toBe(field);
    }
    expect((await call(shared.server, 'GET', '/orders?symbol=R')).json.orders).toEqual([]);
  });

  it('duplicate keys are 400; __proto__ is an unknown field; a BOM is skipped; deep nesting is 400', async () => {
    expectShape(await call(shared.server, 'POST', '/orders', { rawBody: '{"orderId":2,"symbol":"R","side":"buy","amount":1,"amount":99,"price":"1"}' }), 400);
    const proto = await call(shared.server, 'POST', '/orders', { rawBody: '{"orderId":2,"symbol":"R","side":"buy","amount":1,"price":"1","__proto__":{"x":1}}' });
    expectShape(proto, 400);
    expect(proto.json.error.field).toBe('__proto__');
    expectShape(await call(shared.server, 'POST', '/orders', { rawBody: `{"source":${'['.repeat(5000)}${']'.repeat(5000)}}` }), 400);
    const bom = await raw(post('/orders', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"orderId":3,"symbol":"BOM","side":"buy","amount":1,"price":"1"}')])));
    expect(bom.status).toBe(201);
  });

  it('a lone surrogate in source or client is 400; a body that is not UTF-8 is 400', async () => {
    expectShape(await call(shared.server, 'POST', '/orders', { rawBody: '{"orderId":4,"symbol":"R","side":"buy","amount":1,"price":"1","source":"a\\ud800b"}' }), 400);
    expectShape(await call(shared.server, 'POST', '/quotes', { rawBody: '{"symbol":"R","side":"buy","amount":1,"client":"\\udfff","partial":true}' }), 400);
    expectShape(await raw(post('/orders', Buffer.from('{"orderId":4,"symbol":"R","side":"buy","amount":1,"price":"1","source":"caf\xe9"}', 'latin1'))), 400);
  });
});

describe('every error has our shape', () => {
  it('415 for text/plain and for unknown media types', async () => {
    const text = await call(shared.server, 'POST', '/orders', { rawBody: '{"orderId":5}', headers: { 'content-type': 'text/plain' } });
    expectShape(text, 415);
    expectShape(await call(shared.server, 'POST', '/orders', { rawBody: 'x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415);
    expectShape(await call(shared.server, 'POST', '/orders', { rawBody: '{}', headers: { 'content-type': 'application/json; charset=iso-8859-1' } }), 415);
  });

  it('431 for oversized headers and for a huge URL, raised by Node before fastify', async () => {
    const headers = await raw(`GET /orders HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expectShape(headers, 431);
    const url = await raw(`GET /orders?symbol=${'A'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expectShape(url, 431);
  });

  it('400 for a request Node cannot parse, 413 for a large body, 400 for bad JSON', async () => {
    expectShape(await raw('GARBAGE\r\n\r\n'), 400);
    expectShape(await call(shared.server, 'POST', '/orders', { rawBody: `{"source":"${'x'.repeat(70_000)}"}` }), 413);
    expectShape(await call(shared.server, 'POST', '/orders', { rawBody: '{"orderId":' }), 400);
  });

  it('query keys such as __proto__ and constructor are unknown fields, and pollute nothing', async () => {
    for (const query of ['__proto__=x', 'constructor=x', '__proto__[polluted]=1', 'toString=1']) {
      const reply = await call(shared.server, 'GET', `/orders?${query}`);
      expectShape(reply, 400);
      expect(reply.json.error.message).toMatch(/unknown field/);
    }
    expect((await call(shared.server, 'GET', '/orders')).status).toBe(200);
  });

  it('404 for an unknown route, 405 with Allow for a known route and another method', async () => {
    expectShape(await call(shared.server, 'GET', '/nowhere'), 404);
    const put = await call(shared.server, 'PUT', '/orders', { body: {} });
    expectShape(put, 405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
    const patch = await call(shared.server, 'PATCH', '/books/JPM', { body: {} });
    expectShape(patch, 405);
    expect(patch.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('hostile text in URLs reaches no message or log line raw', () => {
  it('C1, DEL, bidi and escape bytes in a path and a query', async () => {
    const path = Buffer.from('/no\x85where\x7f\x1b', 'latin1');
    const reply = await raw(Buffer.concat([Buffer.from('GET ', 'latin1'), path, Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 'latin1')]));
    if (reply.status !== 400) expectShape(reply, 404);
    expectShape(await call(shared.server, 'GET', '/orders/%E2%80%AEtxt'), 400);
    expectShape(await call(shared.server, 'GET', '/price?symbol=%C2%85&side=buy&amount=1'), 400);
    expectShape(await call(shared.server, 'POST', '/orders', { rawBody: '{"orderId":6,"symbol":"R","side":"buy","amount":1,"price":"1","\u0085\u202e":1}' }), 400);
  });

  it('the log lines, read raw once the server has stopped', async () => {
    await stopServer(shared.server);
    const { stderr } = await shared.server.exited;
    expect(stderr).toContain('"status":404');
    for (const line of stderr.split('\n')) expect(line).not.toMatch(RAW_CONTROL);
  });
});

describe('long names and paths make short messages', () => {
  it('an unknown 5000-character key, a 300-digit path parameter', async () => {
    const fresh = tempState();
    const other = await startServer(fresh.state);
    try {
      const key = await call(other, 'POST', '/orders', { rawBody: `{"orderId":1,"symbol":"A","side":"buy","amount":1,"price":"1","${'k'.repeat(5000)}":1}` });
      expectShape(key, 400);
      expect(key.json.error.message.length).toBeLessThan(300);
      const param = await call(other, 'GET', `/orders/${'9'.repeat(300)}`);
      expect(param.status).toBeGreaterThanOrEqual(400);
      expect(param.json.error.message.length).toBeLessThan(300);
    } finally {
      await stopServer(other);
      fresh.cleanup();
    }
  });
});
