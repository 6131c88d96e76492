// `oms serve --inbox` (SPEC §11) on a directory and on an S3 prefix of a real
// S3-compatible server: files dropped while it runs are each applied once and
// moved to done/; bad ones go to rejected/ with their problems; a server
// killed with kill -9 in the middle of an import, then restarted, applies the
// file exactly once; the same content dropped under another name is a new
// batch (what that does is documented in docs/object-store.md); an object
// store that cannot be listed is logged and the server goes on.

import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { oms, useTempStates } from '../e2e/helpers.js';
import { measurePace } from '../pace.js';
import { deadEndpoint, startS3, type TestS3 } from '../objectstore/s3-server.js';
import { call, startServer, stopServer, until, type LogLine, type RunningServer } from './helpers.js';

const BUCKET = 'oms-test';
// Hang guards in typical commands (test/pace.ts): a 100k-row import is worth about a hundred.
const pace = await measurePace();
const HEADER = 'order_id,symbol,side,amount,price\n';
const states = useTempStates();
let s3: TestS3;
const servers: RunningServer[] = [];

beforeAll(async () => {
  s3 = await startS3([BUCKET]);
});
afterAll(async () => {
  await s3?.close();
});
afterEach(async () => {
  for (const server of servers.splice(0)) await stopServer(server);
});

/** An inbox of one kind: where files are dropped and where they end up. */
interface Inbox {
  /** The --inbox argument. */
  location: string;
  /** How the server names a file dropped as `name`. */
  label(name: string): string;
  drop(name: string, body: string | Buffer): Promise<void>;
  /** Names under a folder of the inbox ('' for the inbox itself), sorted. */
  list(folder: string): Promise<string[]>;
  read(name: string): Promise<string>;
  /** The version the server will see for a file in the inbox (docs/object-store.md). */
  version(name: string): Promise<string>;
  /** Where `oms import` reads the file. */
  importPath(name: string): string;
}

let inboxes = 0;
const KINDS: Record<string, () => Inbox> = {
  directory: () => {
    const dir = path.join(states.fresh().dir, 'inbox');
    fs.mkdirSync(dir);
    return {
      location: dir,
      label: (name) => path.join(dir, name),
      drop: async (name, body) => fs.writeFileSync(path.join(dir, name), body),
      list: async (folder) => {
        const at = path.join(dir, folder);
        if (!fs.existsSync(at)) return [];
        return fs.readdirSync(at, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => entry.name).sort();
      },
      read: async (name) => fs.readFileSync(path.join(dir, name), 'utf8'),
      version: async (name) => {
        const stat = fs.statSync(path.join(dir, name), { bigint: true });
        return `${stat.size}-${stat.mtimeNs}`;
      },
      importPath: (name) => path.join(dir, name),
    };
  },
  s3: () => {
    const prefix = `inbox-${++inboxes}/`;
    return {
      location: `s3://${BUCKET}/${prefix}`,
      label: (name) => `s3://${BUCKET}/${prefix}${name}`,
      drop: async (name, body) => {
        await s3.put(BUCKET, `${prefix}${name}`, body);
      },
      list: async (folder) => {
        const under = `${prefix}${folder ? `${folder}/` : ''}`;
        return (await s3.keys(BUCKET, under)).map((key) => key.slice(under.length)).filter((name) => !name.includes('/'));
      },
      read: (name) => s3.get(BUCKET, `${prefix}${name}`),
      version: async (name) => (await s3.head(BUCKET, `${prefix}${name}`)).replace(/"/g, ''),
      importPath: (name) => `s3://${BUCKET}/${prefix}${name}`,
    };
  },
};

async function serve(state: string, inbox: Inbox, env: Record<string, string> = {}): Promise<RunningServer> {
  const server = await startServer(state, { serveArgs: ['--inbox', inbox.location, '--inbox-interval', '0.05'], env: { ...s3.env, ...env } });
  servers.push(server);
  return server;
}

const fileLine = (label: string) => (line: LogLine) => line.msg === 'inbox: file' && line['file'] === label;

async function metrics(server: RunningServer): Promise<string> {
  return (await call(server, 'GET', '/metrics')).json as string;
}

function sample(text: string, name: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  if (line === undefined) throw new Error(`metric ${name} not found`);
  return Number(line.slice(name.length + 1));
}

async function orderIds(server: RunningServer): Promise<number[]> {
  const reply = await call(server, 'GET', '/orders');
  return reply.json.orders.map((order: { orderId: number }) => order.orderId).sort((a: number, b: number) => a - b);
}

function rowsOf(first: number, count: number): string {
  const lines: string[] = [];
  for (let id = first; id < first + count; id++) lines.push(`${id},SYM${id % 20},${id % 2 ? 'Buy' : 'Sell'},${(id % 50) + 1},${id % 2 ? 100 - (id % 30) : 200 + (id % 30)}`);
  return `${HEADER}${lines.join('\n')}\n`;
}

describe.each(Object.keys(KINDS))('oms serve --inbox (%s)', (kind) => {
  const makeInbox = KINDS[kind] as () => Inbox;

  it('applies three files dropped while it runs, each once, and moves them to done/; /metrics counts them', async () => {
    const inbox = makeInbox();
    const server = await serve(states.fresh().state, inbox);
    const files = { 'a.csv': rowsOf(1, 3), 'b.csv': rowsOf(10, 4), 'c.CSV': rowsOf(20, 5) };
    await inbox.drop('notes.txt', 'not an order file');
    for (const [name, body] of Object.entries(files)) await inbox.drop(name, body);
    for (const name of Object.keys(files)) {
      const line = await server.waitForLog(fileLine(inbox.label(name)));
      expect(line).toMatchObject({ outcome: 'loaded', applied: files[name as keyof typeof files].split('\n').length - 2, replayed: 0 });
      expect(String(line['batch'])).toMatch(new RegExp(`^${name.replace('.', '\\.')}@.+`));
    }
    expect(await orderIds(server)).toEqual([1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23, 24]);
    expect(await inbox.list('done')).toEqual(['a.csv', 'b.csv', 'c.CSV']);
    expect(await inbox.list('')).toEqual(['notes.txt']);
    expect(await inbox.read('done/b.csv')).toBe(files['b.csv']);
    // More polls find nothing new to do.
    const polls = sample(await metrics(server), 'oms_inbox_polls_total{outcome="ok"}');
    await until(async () => sample(await metrics(server), 'oms_inbox_polls_total{outcome="ok"}') >= polls + 3, 'three more polls');
    const text = await metrics(server);
    expect(sample(text, 'oms_inbox_files_total{outcome="loaded"}')).toBe(3);
    expect(sample(text, 'oms_inbox_files_total{outcome="rejected"}')).toBe(0);
    expect(sample(text, 'oms_inbox_rows_total{outcome="applied"}')).toBe(12);
    expect(server.logs.filter((line) => line.msg === 'inbox: file')).toHaveLength(3);
  });

  it('moves bad files (bad rows, not CSV, empty) to rejected/ with NAME.problems.json and goes on with the good ones', async () => {
    const inbox = makeInbox();
    const server = await serve(states.fresh().state, inbox);
    await inbox.drop('bad.csv', `${HEADER}1,ABC,Buy,10,5\n2,ABC,Buy,ten,5\n3,ABC,Sideways,1,6\n`);
    await inbox.drop('picture.csv', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    await inbox.drop('empty.csv', Buffer.alloc(0));
    await inbox.drop('good.csv', rowsOf(50, 2));
    const bad = await server.waitForLog(fileLine(inbox.label('bad.csv')));
    expect(bad).toMatchObject({ level: 'warn', outcome: 'rejected', read: 3, rejected: 2, problems: 2 });
    for (const name of ['picture.csv', 'empty.csv']) expect(await server.waitForLog(fileLine(inbox.label(name)))).toMatchObject({ outcome: 'rejected' });
    expect(await server.waitForLog(fileLine(inbox.label('good.csv')))).toMatchObject({ outcome: 'loaded', applied: 2 });
    expect(await orderIds(server)).toEqual([50, 51]);
    expect(await inbox.list('rejected')).toEqual(['bad.csv', 'bad.csv.problems.json', 'empty.csv', 'empty.csv.problems.json', 'picture.csv', 'picture.csv.problems.json']);
    expect(JSON.parse(await inbox.read('rejected/bad.csv.problems.json'))).toEqual([
      { file: inbox.label('bad.csv'), line: 3, field: 'amount', message: '"ten" is not a positive whole number' },
      { file: inbox.label('bad.csv'), line: 4, field: 'side', message: expect.stringContaining('"Sideways"') },
    ]);
    expect(JSON.parse(await inbox.read('rejected/empty.csv.problems.json'))).toEqual([{ file: inbox.label('empty.csv'), line: 1, field: 'header', message: expect.stringContaining('empty') }]);
    expect(await inbox.list('')).toEqual([]);
    const text = await metrics(server);
    expect(sample(text, 'oms_inbox_files_total{outcome="rejected"}')).toBe(3);
    expect(sample(text, 'oms_inbox_rows_total{outcome="rejected"}')).toBe(2);
  });

  it('the same content dropped again under another name is a new batch: adds and op_id rows replay, a trade applies again', async () => {
    const inbox = makeInbox();
    const server = await serve(states.fresh().state, inbox);
    const body = 'action,order_id,symbol,side,amount,price,op_id\nadd,1,ABC,Buy,10,5,\nadd,2,ABC,Buy,10,6,\ntrade,,ABC,Buy,1,,\ntrade,,ABC,Buy,1,,fixed-trade-id\n';
    await inbox.drop('monday.csv', body);
    expect(await server.waitForLog(fileLine(inbox.label('monday.csv')))).toMatchObject({ outcome: 'loaded', applied: 4, replayed: 0 });
    await inbox.drop('monday-copy.csv', body);
    expect(await server.waitForLog(fileLine(inbox.label('monday-copy.csv')))).toMatchObject({ outcome: 'loaded', applied: 1, replayed: 3 });
    const trades = (await call(server, 'GET', '/trades')).json.trades;
    expect(trades).toHaveLength(3);
    expect((await call(server, 'GET', '/orders/1')).json.order.amount).toBe(7);
  });

  it('stopped (SIGTERM) or killed (kill -9) in the middle of an import, then restarted, applies the file exactly once', { timeout: pace.commands(400) }, async () => {
    const inbox = makeInbox();
    const { state } = states.fresh();
    const rows = 100_000;
    let server = await serve(state, inbox);
    await inbox.drop('big.csv', rowsOf(1, rows));
    // Stopped once the import is seen under way (rows read), not after a guessed time.
    const importing = async (): Promise<void> => until(async () => sample(await metrics(server), 'oms_inbox_importing_rows') > 0, 'the import to start', pace.commands(150));
    await importing();
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    expect(server.logs.find((line) => line.msg.startsWith('inbox: stopped while importing')), JSON.stringify(server.logs.slice(-6))).toMatchObject({ file: inbox.label('big.csv') });

    server = await serve(state, inbox);
    await importing();
    server.child.kill('SIGKILL');
    await server.exited;
    expect(server.logs.filter((line) => line.msg === 'inbox: file')).toEqual([]);
    expect(await inbox.list('')).toEqual(['big.csv']);

    server = await serve(state, inbox);
    const line = await server.waitForLog(fileLine(inbox.label('big.csv')));
    expect(line).toMatchObject({ outcome: 'loaded', read: rows, applied: rows, replayed: 0 });
    expect(await inbox.list('done')).toEqual(['big.csv']);
    const status = (await call(server, 'GET', '/metrics')).json as string;
    expect(sample(status, 'oms_live_orders')).toBe(rows);
  });
});

describe.each(Object.keys(KINDS))('oms serve --inbox (%s): exactly once', (kind) => {
  const makeInbox = KINDS[kind] as () => Inbox;

  it('a file committed but not moved (a crash between the two) is replayed, not applied again, then moved', async () => {
    const inbox = makeInbox();
    const { state } = states.fresh();
    await inbox.drop('crashed.csv', rowsOf(1, 5));
    const batch = `crashed.csv@${await inbox.version('crashed.csv')}`;
    const imported = await oms(['--json', 'import', '--batch', batch, inbox.importPath('crashed.csv')], { state, env: s3.env });
    expect(JSON.parse(String(imported.stdout))).toMatchObject({ applied: 5 });
    const server = await serve(state, inbox);
    expect(await server.waitForLog(fileLine(inbox.label('crashed.csv')))).toMatchObject({ outcome: 'loaded', batch, applied: 0, replayed: 5 });
    expect(await inbox.list('done')).toEqual(['crashed.csv']);
  });

  it('two servers on one state and one inbox apply each file once', { timeout: pace.commands(200) }, async () => {
    const inbox = makeInbox();
    const { state } = states.fresh();
    const [first, second] = [await serve(state, inbox), await serve(state, inbox)];
    const names = ['1.csv', '2.csv', '3.csv', '4.csv'];
    for (const [at, name] of names.entries()) await inbox.drop(name, rowsOf(at * 100 + 1, 50));
    const settled = async (): Promise<boolean> => (await inbox.list('')).length === 0 && names.every((name) => done.includes(name));
    let done: string[] = [];
    await until(async () => {
      done = await inbox.list('done');
      return settled();
    }, 'every file in done/', pace.commands(120)).catch(async (error: Error) => {
      const logs = [...first.logs, ...second.logs].filter((line) => line.msg.startsWith('inbox'));
      throw new Error(`${error.message}: inbox ${JSON.stringify(await inbox.list(''))}, done ${JSON.stringify(done)}, logs ${JSON.stringify(logs)}`);
    });
    expect(done).toEqual(names);
    expect((await orderIds(first)).length).toBe(200);
    // Stopped, so every line is written (a server logs a file after the other may have moved it).
    for (const server of [first, second]) server.child.kill('SIGTERM');
    await Promise.all([first.exited, second.exited]);
    const loaded = [...first.logs, ...second.logs].filter((line) => line.msg === 'inbox: file');
    expect(loaded.every((line) => line['outcome'] === 'loaded')).toBe(true);
    expect(loaded.reduce((sum, line) => sum + Number(line['applied']), 0)).toBe(200);
  });
});

describe('oms serve --inbox s3:// when the store cannot be listed', () => {
  it('logs why (no endpoint, wrong credentials, no bucket), keeps serving, and loads files once the bucket exists', async () => {
    const inbox = KINDS['s3']!();
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ AWS_ENDPOINT_URL: await deadEndpoint() }, inbox.location, /cannot reach the object store/],
      [{ AWS_ACCESS_KEY_ID: 'nobody' }, inbox.location, /access denied/],
    ];
    for (const [env, location, message] of cases) {
      const server = await startServer(states.fresh().state, { serveArgs: ['--inbox', location, '--inbox-interval', '0.05'], env: { ...s3.env, ...env } });
      servers.push(server);
      const line = await server.waitForLog((candidate) => candidate.msg === 'inbox: cannot list');
      expect(line).toMatchObject({ level: 'error', code: 'SOURCE_UNAVAILABLE', error: expect.stringMatching(message) });
      expect((await call(server, 'GET', '/healthz')).status).toBe(200);
    }
    const bucket = `later-${process.pid}`;
    const server = await startServer(states.fresh().state, { serveArgs: ['--inbox', `s3://${bucket}/in/`, '--inbox-interval', '0.05'], env: s3.env });
    servers.push(server);
    expect(await server.waitForLog((candidate) => candidate.msg === 'inbox: cannot list')).toMatchObject({ error: expect.stringContaining(`the bucket "${bucket}" does not exist`) });
    await s3.createBucket(bucket);
    await s3.put(bucket, 'in/late.csv', rowsOf(7, 1));
    expect(await server.waitForLog(fileLine(`s3://${bucket}/in/late.csv`))).toMatchObject({ outcome: 'loaded', applied: 1 });
    // One line per failure, however many polls failed the same way.
    expect(server.logs.filter((candidate) => candidate.msg === 'inbox: cannot list')).toHaveLength(1);
    expect(server.logs.filter((candidate) => candidate.msg === 'inbox: listing again')).toHaveLength(1);
  });
});

describe('oms serve --inbox: usage errors exit 2 before listening', () => {
  it('refuses an inbox URL without a bucket, a file as the inbox, and a bad interval', async () => {
    const { state, dir } = states.fresh();
    const file = path.join(dir, 'a-file.csv');
    fs.writeFileSync(file, '');
    const cases: [string[], RegExp][] = [
      [['--inbox', 's3://'], /inbox: "s3:\/\/" names no bucket/],
      [['--inbox', file], /inbox: .* is not a directory/],
      [['--inbox', dir, '--inbox-interval', 'fast'], /inbox-interval: "fast" is not an interval/],
    ];
    for (const [args, message] of cases) {
      const result = await oms(['serve', '--port', '0', ...args], { state, env: s3.env });
      expect(result.exitCode, args.join(' ')).toBe(2);
      expect(String(result.stderr)).toMatch(message);
    }
  });
});
