// Group commit. Requests do not each wait for an fsync of their own: while
// one write is being committed, the requests that arrive queue up, and the
// next write runs all of them as separate operations covered by one fsync.
// Each request is answered only after the write that ran it has committed.
// A store may let the next write start while one commits (PostgreSQL does:
// the next one's opening follows the commit on the same connection, and
// the database answers it once that commit is done), so at most two writes
// are under way, the second one's opening overlapping the first one's commit.

import type { Command } from '../core/commands.js';
import { isRejection, OmsError } from '../core/errors.js';
import type { Outcome } from '../core/ledger.js';
import type { Oms } from '../app/oms.js';

/** A write bounded in size keeps the wait of its first request bounded too. */
const MAX_WRITE = 1024;

interface Waiting {
  command: Command;
  opId: string | undefined;
  resolve(outcome: Outcome): void;
  reject(error: unknown): void;
}

/** The state cannot be written (as opposed to busy, or a request at fault). */
function isStateFailure(error: unknown): error is OmsError {
  return error instanceof OmsError && (error.code === 'STATE_IO' || error.code === 'STATE_CORRUPT');
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class CommitQueue {
  private waiting: Waiting[] = [];
  /** Requests in writes not yet answered. */
  private writing = 0;
  private running: Promise<void> | undefined;
  /** Wakes a run that waits for its last writes to end, when a request comes. */
  private wake: (() => void) | undefined;
  /** Requests whose operation a write committed (a replay or a no-op commits nothing). */
  committed = 0;
  /** Why the latest write failed, if the state itself was the problem; cleared by a write that succeeds. */
  stateFailure: OmsError | undefined;
  /** Writes started, and the latest of them that has ended. */
  private started = 0;
  private reported = 0;

  constructor(private readonly app: Oms) {}

  /** Requests queued or in a write not yet answered. */
  get pending(): number {
    return this.waiting.length + this.writing;
  }

  /** Runs the command in the next write; resolves once that write is committed. */
  submit(command: Command, opId: string | undefined): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      this.waiting.push({ command, opId, resolve, reject });
      if (this.running) this.wake?.();
      else this.running = this.run();
    });
  }

  /** Resolves when nothing is queued or being written. */
  async drained(): Promise<void> {
    await this.running;
  }

  /**
   * Starts a write as soon as the one before lets it (on PostgreSQL, once
   * that one's commit is on its way; else once it is done), with every
   * request queued by then.
   */
  private async run(): Promise<void> {
    let mayFollow: Promise<unknown> = Promise.resolve();
    let unfinished: Promise<unknown> = Promise.resolve();
    try {
      // Every request read in this turn of the event loop joins the first write.
      await nextTurn();
      for (;;) {
        await mayFollow;
        if (this.waiting.length === 0) {
          // Every write has at least one request: none pending, none under way.
          if (this.writing === 0) return;
          await new Promise<void>((resolve) => {
            this.wake = resolve;
            void unfinished.then(() => resolve());
          });
          this.wake = undefined;
          // Requests that arrive in the same turn as the first one join it.
          await nextTurn();
          continue;
        }
        const batch = this.waiting.splice(0, MAX_WRITE);
        let committing!: () => void;
        const sent = new Promise<void>((resolve) => (committing = resolve));
        this.writing += batch.length;
        const written = this.write(batch, committing, ++this.started).finally(() => {
          this.writing -= batch.length;
        });
        // Settled to nothing: a chain of results would grow with every write while requests keep coming.
        unfinished = Promise.all([unfinished, written]).then(() => undefined);
        mayFollow = Promise.race([sent, written]);
        // Requests that arrived while that write held the event loop join the next one.
        await nextTurn();
      }
    } finally {
      this.running = undefined;
    }
  }

  private async write(batch: Waiting[], committing: () => void, number: number): Promise<void> {
    const answers: Array<() => void> = [];
    let unfinished: unknown;
    try {
      await this.app.batch(async (tx) => {
        // All given at once, so a store that looks facts up remotely fetches
        // theirs together; the transaction still decides them one by one, in order.
        const executed = await tx.executeAll(batch);
        executed.forEach((result, i) => {
          const request = batch[i] as Waiting;
          if ('outcome' in result) {
            const outcome = result.outcome;
            answers.push(() => {
              if (outcome.status === 'applied') this.committed++;
              request.resolve(outcome);
            });
            return;
          }
          // Answered after the commit too: the rejection may rest on an
          // earlier request of this write, which counts only once committed.
          // A rejection was decided before anything changed, so the other
          // requests went on; anything else (an I/O failure, damage) may have
          // left the write unfinished, and the transaction refused every
          // request after it with the same error.
          const error = result.error;
          answers.push(() => request.reject(error));
          if (!isRejection(error)) unfinished ??= error;
        });
      }, { onCommitting: committing });
    } catch (error) {
      // Not committed: nothing this write ran is acknowledged.
      this.report(number, isStateFailure(error) ? error : undefined);
      for (const request of batch) request.reject(error);
      return;
    }
    this.report(number, isStateFailure(unfinished) ? unfinished : undefined);
    for (const answer of answers) answer();
  }

  /** Two writes can end out of order (the second fails first): the state is as the latest one found it. */
  private report(number: number, failure: OmsError | undefined): void {
    if (number < this.reported) return;
    this.reported = number;
    this.stateFailure = failure;
  }
}
