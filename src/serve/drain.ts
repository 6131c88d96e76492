// Zero-downtime stop behind a load balancer (SPEC §10). A balancer only
// learns that a server is going away from its health checks, so stopping at
// once would refuse the requests it still sends during that time. On SIGTERM
// the server first turns /readyz to 503 and keeps serving everything for
// --drain-ms; only then it stops accepting, answers what it holds (commits
// included) and lets the caller close the state.

import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { invalid } from '../core/errors.js';
import type { CommitQueue } from './commit-queue.js';
import type { Readiness } from './readiness.js';

/** --drain-ms: whole milliseconds, at most ten minutes. */
export function parseDrainMs(input: string): number {
  if (!/^\d{1,6}$/.test(input) || Number(input) > 600_000) throw invalid('drain-ms', input, 'is not a number of milliseconds (0 to 600000)');
  return Number(input);
}

export interface DrainSteps {
  app: FastifyInstance;
  queue: CommitQueue;
  readiness: Readiness;
  /** Turns away requests that still arrive on open connections. */
  beginDrain(): void;
  /** Work beside the routes (the inbox), stopped once the window is over, before the requests in flight are drained. */
  stopTask?: () => Promise<void>;
  logger: Logger;
  drainMs: number;
  signal: string;
}

export async function drain(steps: DrainSteps): Promise<void> {
  const { logger } = steps;
  steps.readiness.markStopping();
  if (steps.drainMs > 0) {
    logger.info({ signal: steps.signal, drainMs: steps.drainMs }, 'draining: /readyz answers 503, requests are still served');
    await new Promise((resolve) => setTimeout(resolve, steps.drainMs));
  }
  logger.info({ signal: steps.signal, pendingCommits: steps.queue.pending }, 'stopping: answering requests in flight');
  await steps.stopTask?.();
  steps.beginDrain();
  await steps.app.close();
  await steps.queue.drained();
}
