// The two inbox locations on their own (SPEC §11): which files are ready (a
// local file only once two polls see the same size and mtime; an S3 object
// once its upload is complete), and where a settled file goes.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryInbox } from '../../src/inbox/directory.js';
import { parseInterval } from '../../src/inbox/open.js';
import { S3Inbox } from '../../src/inbox/s3.js';
import { openObjectStore } from '../../src/objectstore/s3-client.js';
import { startS3, type TestS3 } from '../objectstore/s3-server.js';

const names = (files: { name: string }[]): string[] => files.map((file) => file.name);

describe('a directory inbox', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-inbox-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('offers a .csv file once two polls in a row saw it unchanged; hidden and other files never', async () => {
    const inbox = new DirectoryInbox(dir);
    fs.writeFileSync(path.join(dir, 'growing.csv'), 'order_id,symbol,side,amount,price\n');
    fs.writeFileSync(path.join(dir, '.upload.csv'), 'x');
    fs.writeFileSync(path.join(dir, 'readme.txt'), 'x');
    fs.mkdirSync(path.join(dir, 'folder.csv'));
    expect(names(await inbox.list())).toEqual([]);
    for (let row = 1; row <= 3; row++) {
      fs.appendFileSync(path.join(dir, 'growing.csv'), `${row},A,Buy,1,1\n`);
      expect(names(await inbox.list()), `after row ${row}`).toEqual([]);
    }
    const [ready] = await inbox.list();
    expect(ready).toMatchObject({ name: 'growing.csv', label: path.join(dir, 'growing.csv'), size: fs.statSync(path.join(dir, 'growing.csv')).size });
    expect(ready?.version).toMatch(/^\d+-\d+$/);
  });

  it('does not read a file that changed since it was listed, and moves a settled one out, never over another file', async () => {
    const inbox = new DirectoryInbox(dir);
    const file = path.join(dir, 'x.csv');
    fs.writeFileSync(file, 'first');
    await inbox.list();
    const [listed] = (await inbox.list()).filter((candidate) => candidate.name === 'x.csv');
    fs.writeFileSync(file, 'second version');
    expect(await inbox.open(listed!, new AbortController().signal)).toBeUndefined();
    expect(await inbox.settle(listed!, 'done')).toBeUndefined();
    expect(fs.existsSync(file)).toBe(true);

    await inbox.list();
    const [current] = (await inbox.list()).filter((candidate) => candidate.name === 'x.csv');
    fs.mkdirSync(path.join(dir, 'done'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'done', 'x.csv'), 'an older file of that name');
    expect(await inbox.settle(current!, 'done')).toBe(path.join(dir, 'done', 'x.1.csv'));
    expect(fs.readFileSync(path.join(dir, 'done', 'x.csv'), 'utf8')).toBe('an older file of that name');
    expect(fs.readFileSync(path.join(dir, 'done', 'x.1.csv'), 'utf8')).toBe('second version');
  });
});

describe('an S3 inbox', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startS3(['inbox-unit']);
  });
  afterAll(async () => {
    await s3?.close();
  });

  // An upload in progress is not listed by S3 itself (s3rver has no multipart uploads to show it).
  it('lists the .csv objects directly under the prefix, not those in done/ or elsewhere; reads and moves only the version listed', async () => {
    await s3.put('inbox-unit', 'in/a.csv', 'x');
    await s3.put('inbox-unit', 'in/done/b.csv', 'x');
    await s3.put('inbox-unit', 'in/notes.txt', 'x');
    await s3.put('inbox-unit', 'elsewhere.csv', 'x');
    const inbox = new S3Inbox(await openObjectStore(s3.env), { bucket: 'inbox-unit', key: 'in/' });
    try {
      const files = await inbox.list();
      expect(files).toEqual([{ name: 'a.csv', label: 's3://inbox-unit/in/a.csv', version: (await s3.head('inbox-unit', 'in/a.csv')).replace(/"/g, ''), size: 1 }]);
      const opened = await inbox.open(files[0]!, new AbortController().signal);
      expect(opened?.size).toBe(1);
      opened?.close();
      await s3.put('inbox-unit', 'in/a.csv', 'a newer upload');
      expect(await inbox.settle(files[0]!, 'done')).toBeUndefined();
      expect(await s3.get('inbox-unit', 'in/a.csv')).toBe('a newer upload');
    } finally {
      inbox.close();
    }
  });
});

describe('--inbox-interval', () => {
  it('takes seconds or milliseconds, within bounds', () => {
    expect(parseInterval('2')).toBe(2000);
    expect(parseInterval('0.5')).toBe(500);
    expect(parseInterval('3s')).toBe(3000);
    expect(parseInterval('50ms')).toBe(50);
    for (const bad of ['', '0', '-1', 'fast', '5ms', '2h', '3601']) expect(() => parseInterval(bad), bad).toThrow(/inbox-interval/);
  });
});
