// What deploy/haproxy.cfg resends, checked against a stand-in backend that
// drops the connection without answering the first POST it gets: a request
// with an Idempotency-Key is sent again (so the client gets the second
// attempt's answer), one without a key is not (the client gets 502: the
// balancer cannot know whether the first attempt was applied).

import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module, shared with the demo script
import { findHaproxy, Haproxy } from '../../deploy/lib/haproxy.js';
// @ts-expect-error plain JavaScript module, shared with the demo script
import { freePort } from '../../deploy/lib/server.js';

let binary: string | undefined;
try {
  binary = findHaproxy();
} catch (error) {
  console.warn(`test/cluster skipped: ${(error as Error).message}`);
}

let dir: string;
let proxy: any;
let backend: http.Server;
/** POSTs the backend received, and whether the next one is dropped. */
const seen = { posts: 0, dropNext: false };

beforeAll(async () => {
  if (!binary) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-haproxy-retries-'));
  backend = http.createServer((request, response) => {
    if (request.method === 'GET') return void response.end('{"status":"ready"}');
    seen.posts++;
    request.resume();
    request.on('end', () => {
      if (seen.dropNext) {
        seen.dropNext = false;
        request.socket.destroy();
        return;
      }
      response.writeHead(201, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  proxy = await Haproxy.start({ binary, host: '127.0.0.1', port: await freePort(), dir, log: () => {} });
  await proxy.addServer('s1', '127.0.0.1', (backend.address() as AddressInfo).port);
  await proxy.waitFor('s1', (state: { up: boolean } | undefined) => state?.up === true, 'up');
});

afterAll(async () => {
  await proxy?.stop();
  backend?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function postDropped(headers: Record<string, string>): Promise<{ status: number; posts: number }> {
  seen.posts = 0;
  seen.dropNext = true;
  const response = await fetch(`${proxy.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close', ...headers }, body: '{}' });
  await response.arrayBuffer();
  return { status: response.status, posts: seen.posts };
}

describe.skipIf(binary === undefined)('HAProxy retries (deploy/haproxy.cfg)', () => {
  it('resends a keyed POST whose connection closed without an answer', async () => {
    expect(await postDropped({ 'idempotency-key': 'k-1' })).toEqual({ status: 201, posts: 2 });
  });

  it('does not resend a POST without a key: the client gets 502 and decides', async () => {
    expect(await postDropped({})).toEqual({ status: 502, posts: 1 });
  });
});
