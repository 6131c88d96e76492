// `s3://bucket/key` locations (SPEC §11): told apart from a file name by
// their scheme, split into bucket and key, and refused with a usage error
// when a part is missing, before anything is fetched. This file loads no SDK
// so that recognising a URL costs nothing.

import { invalid } from '../core/errors.js';

export interface S3Location {
  bucket: string;
  /** The object's key, or for an inbox the prefix ('' or ending in '/'). */
  key: string;
}

const SCHEME = 's3://';

export function isS3Url(text: string): boolean {
  return text.startsWith(SCHEME);
}

export function s3Url(location: S3Location): string {
  return `${SCHEME}${location.bucket}/${location.key}`;
}

function split(text: string, field: string): S3Location {
  const rest = text.slice(SCHEME.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  if (bucket === '') throw invalid(field, text, 'names no bucket: write s3://BUCKET/KEY');
  return { bucket, key: slash < 0 ? '' : rest.slice(slash + 1) };
}

/** An object to import: the key must name one object, not a "folder". */
export function parseObjectUrl(text: string, field: string): S3Location {
  const location = split(text, field);
  if (location.key === '' || location.key.endsWith('/')) throw invalid(field, text, 'names no object: write s3://BUCKET/KEY');
  return location;
}

/** An inbox: a bucket, or a prefix within it (read as a folder: a missing final '/' is added). */
export function parsePrefixUrl(text: string, field: string): S3Location {
  const location = split(text, field);
  if (location.key !== '' && !location.key.endsWith('/')) location.key += '/';
  return location;
}
