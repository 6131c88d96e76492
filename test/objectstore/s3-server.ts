// A real S3-compatible server for the tests (SPEC §11): s3rver on a free
// loopback port, its data in a temp folder, plus an SDK client to put and
// list objects and the AWS environment that points `oms` at it.
//
// One deviation of s3rver from S3 is corrected here (docs/object-store.md):
// its CopyObject onto an existing key unlinks the destination and then copies
// the source, so a copy whose source is deleted in between leaves no object
// at all; on S3 a copy is atomic and a failed one leaves the destination as
// it was. Tests of two servers moving one object would otherwise see objects
// vanish that S3 never loses.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/** s3rver's only account. */
const KEY = 'S3RVER';

export interface TestS3 {
  endpoint: string;
  /** The environment `oms` reads: endpoint, region, credentials. */
  env: Record<string, string>;
  client: S3Client;
  put(bucket: string, key: string, body: string | Buffer): Promise<string>;
  get(bucket: string, key: string): Promise<string>;
  /** The object's ETag. */
  head(bucket: string, key: string): Promise<string>;
  remove(bucket: string, key: string): Promise<void>;
  /** Every key under a prefix, sorted. */
  keys(bucket: string, prefix?: string): Promise<string[]>;
  createBucket(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startS3(buckets: string[] = ['oms-test']): Promise<TestS3> {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-s3-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
  atomicCopies((server as unknown as { store: Store }).store);
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', credentials: { accessKeyId: KEY, secretAccessKey: KEY } });
  return {
    endpoint,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: KEY,
      AWS_SECRET_ACCESS_KEY: KEY,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: '',
    },
    client,
    async put(bucket, key, body) {
      const answer = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      return answer.ETag ?? '';
    },
    async get(bucket, key) {
      const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await answer.Body?.transformToString('utf8')) ?? '';
    },
    async head(bucket, key) {
      return (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag ?? '';
    },
    async remove(bucket, key) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async keys(bucket, prefix = '') {
      const answer = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      return (answer.Contents ?? []).map((object) => object.Key ?? '').sort();
    },
    async createBucket(name) {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    async close() {
      client.destroy();
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** What of s3rver's filesystem store the correction uses. */
interface Store {
  getResourcePath(bucket: string, key: string, resource: string): string;
  getMetadata(bucket: string, key: string): Promise<Record<string, string>>;
  copyObject(srcBucket: string, srcKey: string, destBucket: string, destKey: string, replacementMetadata: unknown): Promise<Record<string, string>>;
}

const S3Error = createRequire(import.meta.url)('s3rver/lib/models/error.js') as new (code: string, message: string, detail?: object) => Error;
let copies = 0;

/**
 * CopyObject as S3 does it: the source's bytes and metadata are copied aside
 * (a source deleted meanwhile fails the copy as NoSuchKey, the destination
 * untouched), then renamed over the destination's files, which are never
 * missing on the way.
 */
function atomicCopies(store: Store): void {
  const original = store.copyObject.bind(store);
  store.copyObject = async (srcBucket, srcKey, destBucket, destKey, replacementMetadata) => {
    if (replacementMetadata || (srcBucket === destBucket && srcKey === destKey)) return original(srcBucket, srcKey, destBucket, destKey, replacementMetadata);
    const from = (resource: string): string => store.getResourcePath(srcBucket, srcKey, resource);
    const to = (resource: string): string => store.getResourcePath(destBucket, destKey, resource);
    const aside = `.copy-${process.pid}-${++copies}`;
    const temps: string[] = [];
    const temp = (resource: string): string => {
      const name = `${to(resource)}${aside}`;
      temps.push(name);
      return name;
    };
    try {
      fs.mkdirSync(path.dirname(to('object')), { recursive: true });
      const object = temp('object');
      try {
        await fs.promises.copyFile(from('object'), object);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: srcKey });
        throw error;
      }
      fs.writeFileSync(temp('object.md5'), createHash('md5').update(fs.readFileSync(object)).digest('hex'));
      let metadata = '{}';
      try {
        metadata = fs.readFileSync(from('metadata.json'), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      fs.writeFileSync(temp('metadata.json'), metadata);
      for (const resource of ['metadata.json', 'object.md5', 'object']) fs.renameSync(`${to(resource)}${aside}`, to(resource));
    } finally {
      for (const name of temps) fs.rmSync(name, { force: true });
    }
    return store.getMetadata(destBucket, destKey);
  };
}

/** A port nothing listens on: one the system gave out and took back. */
export async function deadEndpoint(): Promise<string> {
  const net = await import('node:net');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
