// Two servers settling the same S3 inbox file at the same moment (both
// imported it; replay made that harmless) must leave it in done/ exactly
// once and nowhere else: neither may rewrite or delete what the other wrote.
// Seen in the serve suite as a file missing from done/ while every row was
// applied once.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Inbox } from '../../src/inbox/s3.js';
import { openObjectStore } from '../../src/objectstore/s3-client.js';
import { startS3, type TestS3 } from '../objectstore/s3-server.js';

const BUCKET = 'race';
const FILES = 40;
let s3: TestS3;

beforeAll(async () => {
  s3 = await startS3([BUCKET]);
});
afterAll(async () => {
  await s3?.close();
});

describe('an S3 inbox settled by two servers at once', () => {
  it('leaves every file in done/ once, the inbox empty, and says where it went', async () => {
    const movers = [new S3Inbox(await openObjectStore(s3.env), { bucket: BUCKET, key: 'in/' }), new S3Inbox(await openObjectStore(s3.env), { bucket: BUCKET, key: 'in/' })];
    try {
      const names = Array.from({ length: FILES }, (_, n) => `${String(n).padStart(2, '0')}.csv`);
      for (const name of names) await s3.put(BUCKET, `in/${name}`, `order_id,symbol,side,amount,price\n${name.length},A,Buy,1,1\n`);
      const files = await (movers[0] as S3Inbox).list();
      expect(files).toHaveLength(FILES);
      // Both movers settle each file at once, as two servers that both imported it do.
      for (const file of files) {
        const where = await Promise.all(movers.map((mover) => mover.settle(file, 'done').catch((error: Error) => `failed: ${error.message}`)));
        // At least one says where it went; neither failed.
        expect(where.filter((at) => at !== undefined), file.name).not.toHaveLength(0);
        for (const at of where) if (at !== undefined) expect(at, file.name).toBe(`s3://${BUCKET}/in/done/${file.name}`);
      }
      expect(await s3.keys(BUCKET, 'in/done/')).toEqual(names.map((name) => `in/done/${name}`));
      expect(await s3.keys(BUCKET, 'in/')).toEqual(names.map((name) => `in/done/${name}`));
    } finally {
      for (const mover of movers) mover.close();
    }
  });
});
