// One object read as an import's bytes (`oms import s3://bucket/key`, and
// each file of an S3 inbox): a GET whose body streams through the importer
// as it arrives, its Content-Length sizing the progress bar. A failure to
// fetch, before or during the body, is SOURCE_UNAVAILABLE; what the bytes
// are (not CSV, empty) is the importer's to judge.

import { addAbortSignal, type Readable } from 'node:stream';
import type { ByteSource } from '../import/input.js';
import { objectStoreError, openObjectStore, type Env, type ObjectStore } from './s3-client.js';
import { parseObjectUrl, type S3Location } from './s3-url.js';

export interface OpenObject extends ByteSource {
  /** The version read (its ETag). */
  etag: string | undefined;
  /** Frees the connection and the client, read to the end or not. */
  close(): void;
}

export interface OpenOptions {
  signal: AbortSignal;
  /** Read only this version (an ETag); another one fails as missing. */
  ifMatch?: string;
}

const NOTHING_IMPORTED = 'nothing was imported';

/** `oms import s3://...`: a client of its own, closed with the object. */
export async function openS3Object(url: string, env: Env, signal: AbortSignal): Promise<OpenObject> {
  const location = parseObjectUrl(url, 'file');
  const store = await openObjectStore(env);
  try {
    const object = await readObject(store, url, location, { signal });
    return {
      ...object,
      close: () => {
        object.close();
        store.client.destroy();
      },
    };
  } catch (error) {
    store.client.destroy();
    throw error;
  }
}

/** GETs the object; resolves once the store has answered with its headers. */
export async function readObject(store: ObjectStore, url: string, location: S3Location, options: OpenOptions): Promise<OpenObject> {
  let body: Readable;
  let size: number | undefined;
  let etag: string | undefined;
  try {
    const answer = await store.client.send(
      new store.sdk.GetObjectCommand({ Bucket: location.bucket, Key: location.key, ...(options.ifMatch ? { IfMatch: options.ifMatch } : {}) }),
      { abortSignal: options.signal },
    );
    body = answer.Body as Readable;
    size = answer.ContentLength;
    etag = answer.ETag;
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw objectStoreError(error, store, url, location.bucket, NOTHING_IMPORTED);
  }
  addAbortSignal(options.signal, body);
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of body) {
        yield chunk as Buffer;
        // A body already buffered is handed on in microtasks only, which would starve signals
        // and a server's requests until the whole file is read: let them in between chunks.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw objectStoreError(error, store, url, location.bucket, `reading stopped: ${NOTHING_IMPORTED}`);
    }
  }
  return { size, etag, chunks: chunks(), close: () => body.destroy() };
}
