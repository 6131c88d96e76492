// The S3 client, configured from the standard AWS environment (SPEC §11) so
// any S3-compatible store works, and the one place where what the SDK throws
// becomes an OmsError. The SDK is imported here, lazily, only by commands
// that touch an object store: `oms add` never loads it.
//
// - AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL: a custom endpoint (MinIO,
//   Ceph, s3rver...). With one, addressing is path-style (bucket in the path,
//   not the host name), which every S3-compatible store accepts, and request
//   checksums are sent only where the S3 API requires them, since not every
//   such store knows the newer checksum headers.
// - AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1 (most S3-compatible
//   stores ignore it, but the SDK signs with one; on AWS a bucket elsewhere
//   is found by following the region redirect).
// - AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN); without
//   them, the SDK's usual chain (profile files, SSO, container or instance role).

import type { S3Client } from '@aws-sdk/client-s3';
import { OmsError } from '../core/errors.js';

export type Env = Record<string, string | undefined>;

/** A slow network is waited for; a dead one is not. */
const CONNECT_TIMEOUT_MS = 5_000;
const IDLE_TIMEOUT_MS = 60_000;

export type S3Sdk = typeof import('@aws-sdk/client-s3');

export interface ObjectStore {
  client: S3Client;
  sdk: S3Sdk;
  /** Where requests go, for messages. */
  endpoint: string;
}

export async function openObjectStore(env: Env): Promise<ObjectStore> {
  // The pinned SDK supports Node 20; its notice about future releases is not the user's concern.
  if (!process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED']) process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
  const sdk = await import('@aws-sdk/client-s3');
  const endpoint = env['AWS_ENDPOINT_URL_S3'] || env['AWS_ENDPOINT_URL'] || undefined;
  const region = env['AWS_REGION'] || env['AWS_DEFAULT_REGION'] || 'us-east-1';
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  const sessionToken = env['AWS_SESSION_TOKEN'];
  const client = new sdk.S3Client({
    region,
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: IDLE_TIMEOUT_MS },
    ...(endpoint
      ? { endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const }
      : // On AWS a bucket in another region than the one configured answers with a redirect: follow it.
        { followRegionRedirects: true }),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } } : {}),
  });
  return { client, sdk, endpoint: endpoint ?? `AWS S3 (${region})` };
}

interface SdkError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  errors?: { code?: string }[];
  $metadata?: { httpStatusCode?: number };
}

const ACCESS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'ExpiredToken', 'InvalidToken', 'Forbidden']);
const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'TimeoutError']);

/** Why a request for `url` failed, in words a user can act on. */
function reason(error: SdkError, store: ObjectStore, bucket: string): string {
  const name = error.Code ?? error.name ?? '';
  const status = error.$metadata?.httpStatusCode;
  const code = error.code ?? error.errors?.[0]?.code ?? name;
  if (name === 'NoSuchBucket') return `the bucket ${JSON.stringify(bucket)} does not exist at ${store.endpoint}`;
  if (name === 'NoSuchKey' || (name === 'NotFound' && status === 404)) return `no such object at ${store.endpoint}`;
  if (ACCESS.has(name) || status === 403) return `access denied by ${store.endpoint} (${name || status}): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  if (name === 'CredentialsProviderError') return `no credentials for ${store.endpoint}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  if (NETWORK.has(code) || NETWORK.has(name)) return `cannot reach the object store at ${store.endpoint} (${code})`;
  return `${store.endpoint} failed: ${name ? `${name}: ` : ''}${error.message ?? String(error)}`;
}

/** SOURCE_UNAVAILABLE (exit 4) naming the URL and why; the SDK's error stays as `cause`. */
export function objectStoreError(error: unknown, store: ObjectStore, url: string, bucket: string, outcome: string): OmsError {
  if (error instanceof OmsError) return error;
  return new OmsError('SOURCE_UNAVAILABLE', `${url}: ${reason(error as SdkError, store, bucket)}; ${outcome}`, { file: url }, { cause: error });
}

/** The request failed because the object (or bucket) is not there. */
export function isMissing(error: unknown): boolean {
  const name = (error as SdkError).Code ?? (error as SdkError).name;
  return name === 'NoSuchKey' || name === 'NotFound' || (error as SdkError).$metadata?.httpStatusCode === 404;
}
