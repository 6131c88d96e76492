// `--inbox LOCATION` and `--inbox-interval`, checked before the server
// listens: a usage error exits 2 at once, while an object store that cannot
// be reached is only logged (it may come back; the inbox keeps polling).

import fs from 'node:fs';
import type { Logger } from 'pino';
import { invalid } from '../core/errors.js';
import type { Env } from '../objectstore/s3-client.js';
import { isS3Url, parsePrefixUrl } from '../objectstore/s3-url.js';
import type { ServerTask } from '../serve/server.js';
import type { Oms } from '../app/oms.js';
import { DirectoryInbox } from './directory.js';
import { Inbox } from './inbox.js';
import type { InboxLocation } from './location.js';

export interface PreparedInbox {
  /** The inbox as a task of the server, importing through `app`. */
  task(app: Oms, logger: Logger): ServerTask;
}

/** Checks the options and opens the location; the server runs the returned task once it listens. */
export async function prepareInbox(location: string, interval: string, env: Env): Promise<PreparedInbox> {
  const intervalMs = parseInterval(interval);
  const opened = await openInboxLocation(location, env);
  return {
    task(app, logger) {
      const inbox = new Inbox({ location: opened, app, logger, intervalMs });
      return { start: () => inbox.start(), stop: () => inbox.stop(), metrics: () => inbox.metrics.render() };
    },
  };
}

const MIN_INTERVAL_MS = 10;
const MAX_INTERVAL_MS = 3_600_000;

/** Seconds (`2`, `0.5`, `2s`) or milliseconds (`500ms`). */
export function parseInterval(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  const ms = match ? Number(match[1]) * (match[2] === 'ms' ? 1 : 1000) : NaN;
  if (!(ms >= MIN_INTERVAL_MS && ms <= MAX_INTERVAL_MS)) throw invalid('inbox-interval', text, 'is not an interval between 10ms and 3600s (seconds, or a number with ms)');
  return Math.round(ms);
}

/** A directory (created if missing) or s3://bucket/prefix/. */
export async function openInboxLocation(text: string, env: Env): Promise<InboxLocation> {
  if (isS3Url(text)) {
    const location = parsePrefixUrl(text, 'inbox');
    const [{ openObjectStore }, { S3Inbox }] = await Promise.all([import('../objectstore/s3-client.js'), import('./s3.js')]);
    return new S3Inbox(await openObjectStore(env), location);
  }
  if (text === '') throw invalid('inbox', text, 'is empty: give a directory or s3://bucket/prefix/');
  try {
    fs.mkdirSync(text, { recursive: true });
  } catch (error) {
    throw invalid('inbox', text, `is not a directory that can be used: ${(error as Error).message}`);
  }
  if (!fs.statSync(text).isDirectory()) throw invalid('inbox', text, 'is not a directory');
  return new DirectoryInbox(text);
}
