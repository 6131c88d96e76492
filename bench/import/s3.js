// An S3-compatible server for the import bench: s3rver (a devDependency, the
// same server the tests use) on a free loopback port, holding the bench's CSV
// so `oms import s3://...` can be measured beside the local file. Its data
// lives under the bench's temp folder.

import fs from 'node:fs';
import path from 'node:path';

const BUCKET = 'oms-bench';
const KEY = 'S3RVER';

export async function startS3(dir) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const [{ default: S3rver }, { S3Client, PutObjectCommand }] = await Promise.all([import('s3rver'), import('@aws-sdk/client-s3')]);
  const directory = path.join(dir, 's3rver');
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', credentials: { accessKeyId: KEY, secretAccessKey: KEY } });
  return {
    env: { AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: KEY },
    async put(key, file) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: fs.createReadStream(file), ContentLength: fs.statSync(file).size }));
      return `s3://${BUCKET}/${key}`;
    },
    async close() {
      client.destroy();
      await server.close();
    },
  };
}
