// Liveness (/healthz) says the process works; readiness (/readyz) says a load
// balancer may send it traffic now (SPEC §10): the state can be read and this
// server has caught up with every commit, including other servers' ones, and
// it is not stopping. From SIGTERM on it is 503 while the server still answers
// everything else for --drain-ms, so the balancer takes it out before it stops
// accepting connections.

import type { Oms } from '../app/oms.js';
import { toOmsError } from '../app/errors.js';
import { OmsError } from '../core/errors.js';
import type { CommitQueue } from './commit-queue.js';

export class Readiness {
  private stopping = false;

  constructor(
    private readonly oms: Pick<Oms, 'check'>,
    private readonly queue: CommitQueue,
  ) {}

  /** The server received SIGTERM: not ready from now on, whatever the state says. */
  markStopping(): void {
    this.stopping = true;
  }

  /** Undefined when ready; otherwise why not (answered as a 503). */
  async check(): Promise<OmsError | undefined> {
    if (this.stopping) return new OmsError('INTERRUPTED', 'the server is stopping: the balancer should send requests to another instance');
    try {
      // Reading reaches the state and applies what other processes committed since this one last looked.
      await this.oms.check();
    } catch (error) {
      return toOmsError(error);
    }
    // Readable is not enough: a state whose last write failed is not usable until one succeeds.
    return this.queue.stateFailure;
  }
}
