// An S3 prefix as an inbox. S3 lists only completed objects (a multipart
// upload in progress is invisible), so a listed object is ready at once; its
// version is its ETag, and it is read with If-Match on it, so a newer upload
// under the same key is never mistaken for the one listed. Settling copies
// the object under done/ or rejected/ (only if it is still that version) and
// then deletes it; S3 has no rename.

import type { Problem } from '../core/errors.js';
import { isMissing, objectStoreError, type ObjectStore } from '../objectstore/s3-client.js';
import { readObject } from '../objectstore/s3-object.js';
import { s3Url, type S3Location } from '../objectstore/s3-url.js';
import { isInboxFile, numberedName, problemsJson, type Folder, type InboxFile, type InboxLocation, type OpenFile } from './location.js';

const unquote = (etag: string): string => etag.replace(/^"|"$/g, '');

export class S3Inbox implements InboxLocation {
  readonly label: string;

  constructor(
    private readonly store: ObjectStore,
    private readonly location: S3Location,
  ) {
    this.label = s3Url(location);
  }

  private url(key: string): string {
    return s3Url({ bucket: this.location.bucket, key });
  }

  async list(): Promise<InboxFile[]> {
    const { bucket, key: prefix } = this.location;
    const files: InboxFile[] = [];
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.store.client.send(
          new this.store.sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ...(token ? { ContinuationToken: token } : {}) }),
        );
      } catch (error) {
        throw objectStoreError(error, this.store, this.label, bucket, 'cannot list the inbox');
      }
      for (const object of page.Contents ?? []) {
        const key = object.Key ?? '';
        const name = key.slice(prefix.length);
        if (!isInboxFile(name) || object.ETag === undefined) continue;
        files.push({ name, label: this.url(key), version: unquote(object.ETag), size: object.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return files.sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async open(file: InboxFile, signal: AbortSignal): Promise<OpenFile | undefined> {
    try {
      return await readObject(this.store, file.label, this.keyOf(file), { signal, ifMatch: `"${file.version}"` });
    } catch (error) {
      if (isMissing((error as { cause?: unknown }).cause) || isChanged((error as { cause?: unknown }).cause)) return undefined;
      throw error;
    }
  }

  async settle(file: InboxFile, folder: Folder, problems?: Problem[]): Promise<string | undefined> {
    const { bucket } = this.location;
    const source = this.keyOf(file).key;
    let target: { key: string; copied: boolean };
    try {
      // CopySourceIfMatch below says the same, but not every S3-compatible store honours it.
      const head = await this.store.client.send(new this.store.sdk.HeadObjectCommand({ Bucket: bucket, Key: source }));
      if (head.ETag === undefined || unquote(head.ETag) !== file.version) return undefined;
      target = await this.freeKey(`${this.location.key}${folder}/`, file);
      // Already there (another server's move that has not deleted it yet): copying again would only
      // rewrite it, which on a store without atomic copies could lose it.
      if (!target.copied) {
        if (problems) {
          await this.store.client.send(
            new this.store.sdk.PutObjectCommand({ Bucket: bucket, Key: `${target.key}.problems.json`, Body: problemsJson(problems), ContentType: 'application/json' }),
          );
        }
        await this.store.client.send(
          new this.store.sdk.CopyObjectCommand({ Bucket: bucket, Key: target.key, CopySource: copySource(bucket, source), CopySourceIfMatch: `"${file.version}"` }),
        );
      }
    } catch (error) {
      // Gone (another server moved it) or replaced by a newer upload, which stays to be imported.
      if (isMissing(error) || isChanged(error)) return undefined;
      throw objectStoreError(error, this.store, file.label, bucket, `could not move it to ${folder}/`);
    }
    try {
      await this.store.client.send(new this.store.sdk.DeleteObjectCommand({ Bucket: bucket, Key: source }));
    } catch (error) {
      throw objectStoreError(error, this.store, file.label, bucket, `copied to ${this.url(target.key)} but could not delete it`);
    }
    return this.url(target.key);
  }

  private keyOf(file: InboxFile): S3Location {
    return { bucket: this.location.bucket, key: `${this.location.key}${file.name}` };
  }

  /** FOLDER/NAME unless another object holds it, and whether this version is already there. */
  private async freeKey(folder: string, file: InboxFile): Promise<{ key: string; copied: boolean }> {
    for (let n = 0; ; n++) {
      const key = `${folder}${n === 0 ? file.name : numberedName(file.name, n)}`;
      try {
        const head = await this.store.client.send(new this.store.sdk.HeadObjectCommand({ Bucket: this.location.bucket, Key: key }));
        if (head.ETag !== undefined && unquote(head.ETag) === file.version) return { key, copied: true };
      } catch (error) {
        if (isMissing(error)) return { key, copied: false };
        throw error;
      }
    }
  }

  close(): void {
    this.store.client.destroy();
  }
}

function isChanged(error: unknown): boolean {
  const failure = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return failure?.name === 'PreconditionFailed' || failure?.$metadata?.httpStatusCode === 412;
}

/** `bucket/key` with the key URL-encoded but its slashes kept, as CopyObject wants it. */
function copySource(bucket: string, key: string): string {
  return `${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`;
}
