// The PostgreSQL server a test file uses: $OMS_TEST_DATABASE_URL when set,
// else one throwaway server per test run, started by whichever test file asks
// first (the others wait for it) and stopped by the global setup's teardown.
// Each test gets its own schema, so files run in parallel on one server.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { startCluster } from '../../scripts/postgres-cluster.js';

const START_TIMEOUT_MS = 120_000;

let cached: Promise<string> | undefined;

/** The server's URL (without a schema). */
export function testDatabaseUrl(): Promise<string> {
  cached ??= resolveUrl();
  return cached;
}

async function resolveUrl(): Promise<string> {
  const given = process.env.OMS_TEST_DATABASE_URL;
  if (given) return given;
  const dir = inject('omsPostgresDir');
  const urlFile = path.join(dir, 'url');
  const lock = path.join(dir, 'starting');
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (fs.existsSync(urlFile)) return fs.readFileSync(urlFile, 'utf8');
    try {
      fs.mkdirSync(lock);
    } catch {
      if (Date.now() > deadline) throw new Error(`waited ${START_TIMEOUT_MS} ms for another test file to start PostgreSQL (${dir})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    try {
      if (fs.existsSync(urlFile)) return fs.readFileSync(urlFile, 'utf8');
      const cluster = await startCluster(path.join(dir, 'cluster'));
      fs.writeFileSync(`${urlFile}.tmp`, cluster.url);
      fs.renameSync(`${urlFile}.tmp`, urlFile);
      return cluster.url;
    } finally {
      fs.rmdirSync(lock);
    }
  }
}

/** A fresh schema name, so tests never see each other's state. */
export function uniqueSchema(prefix = 't'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** A state location on the test server with its own schema. */
export async function testStateUrl(schema = uniqueSchema()): Promise<string> {
  const url = new URL(await testDatabaseUrl());
  url.searchParams.set('schema', schema);
  return url.toString();
}
