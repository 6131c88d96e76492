// A server behind a balancer with others on one state must not wait for a
// request to learn what the others committed: the first request after a burst
// of their commits would pay for applying all of them, and /readyz could not
// tell that this server is behind. The follower catches up in the background:
// at once when the store announces a commit (see store/commit-watch.ts), and
// by polling otherwise (a poll is cheap: the file store compares a journal
// size, a database compares the latest seq).

import type { Oms } from '../app/oms.js';

/** How often a server looks for other processes' commits when nobody tells it. */
export const FOLLOW_INTERVAL_MS = 250;

export class Follower {
  private timer: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly oms: Pick<Oms, 'check' | 'watchCommits'>,
    private readonly intervalMs = FOLLOW_INTERVAL_MS,
  ) {}

  start(): void {
    this.unwatch = this.oms.watchCommits(() => this.catchUp());
    this.timer = setInterval(() => this.catchUp(), this.intervalMs);
    this.timer.unref();
  }

  stop(): Promise<void> {
    clearInterval(this.timer);
    this.unwatch?.();
    this.unwatch = undefined;
    return this.running ?? Promise.resolve();
  }

  /** One catch-up at a time; a commit announced during one runs another after it. */
  private catchUp(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.oms.check();
        } catch {
          // Not this loop's to report: /readyz and every request read the state too and answer the error.
        }
      } while (this.again && this.timer !== undefined);
    })().finally(() => {
      this.running = undefined;
    });
  }
}
