// `oms import s3://bucket/key` through the built binary against a real
// S3-compatible server (SPEC §11): every fixture gives the same result as the
// local file (with the URL as the file name), a 100k-row object imports and
// reimports as a no-op, bad rows are named s3://bucket/key:LINE, and an
// object store that cannot be reached or read fails with exit 4, bad bytes
// with exit 6, the state untouched either way.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadEndpoint, startS3, type TestS3 } from '../objectstore/s3-server.js';
import { measurePace } from '../pace.js';
import { OMS, ROOT, oms, omsJson, stateFiles, useTempStates, tmuxAvailable } from './helpers.js';

const FIXTURES = path.join(ROOT, 'fixtures/import');
const BUCKET = 'oms-test';
// Hang guards in typical commands (test/pace.ts): a 100k-row import is worth about a hundred.
const pace = await measurePace();
const states = useTempStates();
let s3: TestS3;

beforeAll(async () => {
  s3 = await startS3([BUCKET]);
});
afterAll(async () => {
  await s3?.close();
});

const env = (): Record<string, string> => s3.env;
const url = (key: string): string => `s3://${BUCKET}/${key}`;

/** The summary or error without what differs between two runs of the same import. */
function comparable(json: any, file: string): unknown {
  const text = JSON.stringify(json)
    .split(JSON.stringify(file).slice(1, -1))
    .join('FILE')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z/g, 'TIME');
  const { seconds: _seconds, ...rest } = JSON.parse(text).error ?? JSON.parse(text);
  return rest;
}

function rowsCsv(rows: number): string {
  const lines = ['order_id,symbol,side,amount,price'];
  for (let id = 1; id <= rows; id++) lines.push(`${id},SYM${id % 50},${id % 2 ? 'Buy' : 'Sell'},${(id % 90) + 1},${id % 2 ? 100 - (id % 40) : 200 + (id % 40)}`);
  return `${lines.join('\n')}\n`;
}

describe('oms import s3://', () => {
  it('gives every fixture the same result as the local file, the URL naming the file', { timeout: pace.commands(150) }, async () => {
    for (const name of fs.readdirSync(FIXTURES).sort()) {
      const local = path.join(FIXTURES, name);
      await s3.put(BUCKET, `fixtures/${name}`, fs.readFileSync(local));
      const fromFile = await omsJson(['import', local], { state: states.fresh().state });
      const fromS3 = await omsJson(['import', url(`fixtures/${name}`)], { state: states.fresh().state, env: env() });
      expect(fromS3.result.exitCode, `${name}: ${fromS3.result.stderr}`).toBe(fromFile.result.exitCode);
      expect(comparable(fromS3.json, url(`fixtures/${name}`)), name).toEqual(comparable(fromFile.json, local));
      expect(fromS3.result.stderr, name).not.toContain('Warning');
    }
  });

  it('streams a 100k-row object in one batch; a rerun is a no-op; the same file read locally is a replay too', { timeout: pace.commands(400) }, async () => {
    const rows = 100_000;
    const body = rowsCsv(rows);
    await s3.put(BUCKET, 'big/orders.csv', body);
    const { state, dir } = states.fresh();
    const timeout = pace.commands(120);
    const first = await omsJson(['import', url('big/orders.csv')], { state, env: env(), timeout });
    expect(first.result.exitCode, String(first.result.stderr)).toBe(0);
    expect(first.json).toMatchObject({ file: url('big/orders.csv'), batch: 'orders.csv', read: rows, applied: rows, replayed: 0, rejected: 0 });
    const before = stateFiles(state);
    const again = await omsJson(['import', url('big/orders.csv')], { state, env: env(), timeout });
    expect(again.json).toMatchObject({ read: rows, applied: 0, replayed: rows });
    expect(stateFiles(state)).toEqual(before);
    const local = path.join(dir, 'orders.csv');
    fs.writeFileSync(local, body);
    expect((await omsJson(['import', local], { state, timeout })).json).toMatchObject({ applied: 0, replayed: rows });
  });

  it('names a bad row s3://bucket/key:LINE, applies nothing; --dry-run and --continue-on-error work as for files', async () => {
    const key = 'daily/bad.csv';
    await s3.put(BUCKET, key, 'order_id,symbol,side,amount,price\n1,ABC,Buy,10,5\n2,ABC,Buy,ten,5\n3,ABC,Sell,1,6\n');
    const { state } = states.fresh();
    const text = await oms(['import', url(key)], { state, env: env() });
    expect(text.exitCode).toBe(6);
    expect(text.stderr).toContain(`${url(key)}:3: amount: "ten" is not a positive whole number`);
    expect(fs.existsSync(state)).toBe(false);
    const dry = await omsJson(['import', '--dry-run', url(key)], { state, env: env() });
    expect(dry.result.exitCode).toBe(6);
    expect(fs.existsSync(state)).toBe(false);
    const partial = await omsJson(['import', '--continue-on-error', url(key)], { state, env: env() });
    expect(partial.result.exitCode).toBe(0);
    expect(partial.json).toMatchObject({ read: 3, applied: 2, rejected: 1 });
    expect((await omsJson(['orders'], { state })).json.orders.map((order: any) => order.orderId).sort()).toEqual([1, 3]);
  });

  it('exit 4 when the store cannot be reached or read (no endpoint, wrong credentials, no bucket, no key), the state untouched', async () => {
    const state = states.documentState().state;
    const before = stateFiles(state);
    await s3.put(BUCKET, 'ok.csv', 'order_id,symbol,side,amount,price\n9,ABC,Buy,1,1\n');
    const cases: [string, string, Record<string, string>, RegExp][] = [
      ['no endpoint', url('ok.csv'), { AWS_ENDPOINT_URL: await deadEndpoint() }, /cannot reach the object store at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/],
      ['wrong key', url('ok.csv'), { AWS_ACCESS_KEY_ID: 'nobody', AWS_SECRET_ACCESS_KEY: 'wrong' }, /access denied by .*: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/],
      ['no bucket', 's3://no-such-bucket/ok.csv', {}, /the bucket "no-such-bucket" does not exist/],
      ['no key', url('missing.csv'), {}, /no such object at/],
    ];
    for (const [what, target, overrides, message] of cases) {
      const { result, json } = await omsJson(['import', target], { state, env: { ...env(), ...overrides } });
      expect(result.exitCode, `${what}: ${result.stderr}`).toBe(4);
      expect(json.error.code, what).toBe('SOURCE_UNAVAILABLE');
      expect(json.error.message, what).toMatch(message);
      expect(json.error.message, what).toContain(`${target}: `);
    }
    expect(stateFiles(state)).toEqual(before);
  });

  it('exit 6 for an object that is not CSV or is empty; exit 2 for a URL that names no object', async () => {
    const state = states.documentState().state;
    const before = stateFiles(state);
    await s3.put(BUCKET, 'picture.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    await s3.put(BUCKET, 'empty.csv', Buffer.alloc(0));
    await s3.put(BUCKET, 'prose.csv', 'Dear team,\nplease find the orders attached.\n');
    for (const key of ['picture.csv', 'empty.csv', 'prose.csv']) {
      const { result, json } = await omsJson(['import', url(key)], { state, env: env() });
      expect(result.exitCode, `${key}: ${result.stderr}`).toBe(6);
      expect(json.error.code).toBe('CSV_INVALID');
      expect(json.error.problems[0]).toMatchObject({ file: url(key), line: 1 });
    }
    for (const target of ['s3://', 's3://oms-test', 's3://oms-test/folder/']) {
      const { result } = await omsJson(['import', target], { state, env: env() });
      expect(result.exitCode, target).toBe(2);
    }
    expect(stateFiles(state)).toEqual(before);
  });
});

describe.skipIf(!tmuxAvailable())('oms import s3:// on a terminal (tmux)', () => {
  it('draws a progress bar with a percentage, the Content-Length of the object as the total', { timeout: pace.commands(300) }, async () => {
    await s3.put(BUCKET, 'big/progress.csv', rowsCsv(200_000));
    const { state } = states.fresh();
    const socket = `oms-s3-${process.pid}`;
    const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
    const exports = Object.entries(env()).map(([name, value]) => `${name}=${value}`).join(' ');
    tmux('new-session', '-d', '-s', 'oms', '-x', '150', '-y', '20', `env ${exports} ${process.execPath} ${OMS} --state ${state} import ${url('big/progress.csv')}; echo "EXIT=$?"; sleep 600`);
    try {
      const screen = (): string => tmux('capture-pane', '-p', '-J', '-t', 'oms', '-S', '-200');
      let sawBar = false;
      while (!screen().includes('EXIT=')) {
        sawBar ||= /importing s3:\/\/oms-test\/big\/progress\.csv \[[#-]+\] \d+%/.test(screen());
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(sawBar).toBe(true);
      expect(screen()).toContain('EXIT=0');
      expect(screen()).toMatch(/Imported s3:\/\/oms-test\/big\/progress\.csv: 200000 rows read, 200000 applied/);
    } finally {
      tmux('kill-server');
    }
  });
});
