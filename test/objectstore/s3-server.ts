// A real S3-compatible server for the tests (SPEC §11): s3rver on a free
// loopback port, its data in a temp folder, plus an SDK client to put and
// list objects and the AWS environment that points `oms` at it.

import fs from 'node:fs';
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

/** A port nothing listens on: one the system gave out and took back. */
export async function deadEndpoint(): Promise<string> {
  const net = await import('node:net');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}
