// Vitest global setup for the PostgreSQL tests. Starting a server costs a few
// seconds, so nothing starts here: this only hands the test files a folder in
// which the first one that needs a server starts it (test/postgres/server.ts),
// and stops that server when the run ends. With $OMS_TEST_DATABASE_URL set,
// that server is used instead and nothing is started at all.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { stopCluster } from '../../scripts/postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    omsPostgresDir: string;
  }
}

export default function setup(project: TestProject): () => Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oms-pg-'));
  // A root run starts the server as an unprivileged user, who must reach its folder inside.
  fs.chmodSync(dir, 0o711);
  project.provide('omsPostgresDir', dir);
  return async () => {
    try {
      await stopCluster(path.join(dir, 'cluster'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}
