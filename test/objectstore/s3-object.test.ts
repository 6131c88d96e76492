// Reading one object as an import's bytes: its size from Content-Length (the
// progress bar's total), its bytes as they arrive, an abort that stops the
// read, and a failure that keeps the SDK's error as its cause.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OmsError } from '../../src/core/errors.js';
import { openS3Object } from '../../src/objectstore/s3-object.js';
import { startS3, type TestS3 } from './s3-server.js';

let s3: TestS3;
beforeAll(async () => {
  s3 = await startS3(['object-unit']);
});
afterAll(async () => {
  await s3?.close();
});

describe('openS3Object', () => {
  it('streams the object, sized by its Content-Length', async () => {
    const body = Buffer.alloc(300_000, 'a');
    const etag = await s3.put('object-unit', 'dir/big.csv', body);
    const object = await openS3Object('s3://object-unit/dir/big.csv', s3.env, new AbortController().signal);
    expect(object.size).toBe(body.length);
    expect(object.etag).toBe(etag);
    const chunks: Buffer[] = [];
    for await (const chunk of object.chunks) chunks.push(chunk);
    object.close();
    expect(Buffer.concat(chunks).equals(body)).toBe(true);
  });

  it('stops reading when aborted', async () => {
    await s3.put('object-unit', 'long.csv', Buffer.alloc(4_000_000, 'b'));
    const controller = new AbortController();
    const object = await openS3Object('s3://object-unit/long.csv', s3.env, controller.signal);
    const read = (async () => {
      for await (const _chunk of object.chunks) controller.abort();
    })();
    await expect(read).rejects.toMatchObject({ name: 'AbortError' });
    object.close();
  });

  it('fails with SOURCE_UNAVAILABLE naming the URL, the SDK error as its cause', async () => {
    const error = await openS3Object('s3://object-unit/nothing-here.csv', s3.env, new AbortController().signal).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OmsError);
    expect(error).toMatchObject({ code: 'SOURCE_UNAVAILABLE', details: { file: 's3://object-unit/nothing-here.csv' } });
    expect((error as Error).message).toMatch(/^s3:\/\/object-unit\/nothing-here\.csv: no such object at http:\/\/127\.0\.0\.1:\d+; nothing was imported$/);
    expect((error as Error).cause).toMatchObject({ name: 'NoSuchKey' });
  });
});
