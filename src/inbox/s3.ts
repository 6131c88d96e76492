// An S3 prefix as an inbox. S3 lists only completed objects (a multipart
// upload in progress is invisible), so a listed object is ready at once; its
// version is its ETag, and it is read with If-Match on it, so a newer upload
// under the same key is never mistaken for the one listed. Settling copies
// the object under done/ or rejected/ (only if it is still that version) and
// then deletes it; S3 has no rename (see settle for how two servers moving
// the same object cannot lose it).

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

  /**
   * Copy, verify, then delete the source, and never rewrite or delete what
   * another mover wrote: two servers settling the same file both reach here.
   * The copy is conditional on the source still being this version and on the
   * destination not existing yet (S3's If-None-Match), so of two racing copies
   * one lands and the other fails instead of rewriting it; the destination
   * is then read back, and only once it holds what was copied is the source
   * deleted, and only if it is still this version (a newer upload under the
   * same name stays to be imported).
   */
  async settle(file: InboxFile, folder: Folder, problems?: Problem[]): Promise<string | undefined> {
    const { bucket } = this.location;
    const source = this.keyOf(file).key;
    let target: string;
    try {
      // CopySourceIfMatch below says the same, but not every S3-compatible store honours it.
      if (!(await this.holds(source, file.version))) return undefined;
      const free = await this.freeKey(`${this.location.key}${folder}/`, file);
      target = free.key;
      // What the destination must hold: this version, or what our copy wrote (a copy of a multipart
      // upload has an ETag of its own).
      let expected = file.version;
      // Already there (another server's move that has not deleted the source yet): nothing to copy.
      if (!free.copied) {
        if (problems) {
          await this.store.client.send(
            new this.store.sdk.PutObjectCommand({ Bucket: bucket, Key: `${target}.problems.json`, Body: problemsJson(problems), ContentType: 'application/json' }),
          );
        }
        try {
          const copied = await this.store.client.send(
            new this.store.sdk.CopyObjectCommand({ Bucket: bucket, Key: target, CopySource: copySource(bucket, source), CopySourceIfMatch: `"${file.version}"`, IfNoneMatch: '*' }),
          );
          if (copied.CopyObjectResult?.ETag) expected = unquote(copied.CopyObjectResult.ETag);
        } catch (error) {
          // Refused: either the source changed (checked below) or another mover's copy landed first.
          if (!isChanged(error)) throw error;
        }
      }
      if (!(await this.holds(target, expected))) {
        // The source is gone or replaced: another server moved it, or a newer upload stays to be imported.
        if (!(await this.holds(source, file.version))) return undefined;
        throw new Error(`${this.url(target)} does not hold this version after the copy; the file stays in the inbox`);
      }
    } catch (error) {
      // Gone (another server moved it) or replaced by a newer upload, which stays to be imported.
      if (isMissing(error) || isChanged(error)) return undefined;
      throw objectStoreError(error, this.store, file.label, bucket, `could not move it to ${folder}/`);
    }
    try {
      await this.store.client.send(new this.store.sdk.DeleteObjectCommand({ Bucket: bucket, Key: source, IfMatch: `"${file.version}"` }));
    } catch (error) {
      // Deleted by another mover, or replaced by a newer upload that stays: this version is in its place.
      if (!isMissing(error) && !isChanged(error)) throw objectStoreError(error, this.store, file.label, bucket, `copied to ${this.url(target)} but could not delete it`);
    }
    return this.url(target);
  }

  /** Whether the object exists as this version (ETag). */
  private async holds(key: string, version: string): Promise<boolean> {
    try {
      const head = await this.store.client.send(new this.store.sdk.HeadObjectCommand({ Bucket: this.location.bucket, Key: key }));
      return head.ETag !== undefined && unquote(head.ETag) === version;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
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
