// A bounded load of keyed POST /orders and POST /trades from many client
// loops, for the cluster tests. The amount of work is a request count: at
// least `minimum`, and the loops go on (up to `maximum`) while a test's
// scenario (a rolling restart, a scale out) is still running, so the scenario
// always happens under load. Waits are on counts of answered requests.

import { send } from './client.js';

export interface Acked {
  key: string;
  kind: 'add' | 'trade';
  body: any;
  status: number;
  json: any;
}

export interface LoadOptions {
  /** Where each loop sends its requests (one URL: HAProxy; several: loops are spread over them). */
  urls: string[];
  symbol: string;
  loops: number;
  minimum: number;
  maximum: number;
  /** Orders on both sides and trades that take from both (default: sells only, trades take sells). */
  bothSides?: boolean;
}

/** Job i: mostly orders of 1 to 5 at a few prices, every third a partial trade of 8, so the book often runs dry. */
function job(i: number, options: LoadOptions): { kind: 'add' | 'trade'; path: string; body: any; key: string } {
  const side = options.bothSides && i % 2 === 1 ? 'buy' : 'sell';
  if (i % 3 === 2) {
    return { kind: 'trade', path: '/trades', body: { symbol: options.symbol, side, amount: 8, partial: true }, key: `${options.symbol}-trade-${i}` };
  }
  const price = side === 'sell' ? String(100 + (i % 7)) : String(90 - (i % 7));
  return {
    kind: 'add',
    path: '/orders',
    body: { orderId: i + 1, symbol: options.symbol, side, amount: 1 + (i % 5), price },
    key: `${options.symbol}-add-${i}`,
  };
}

export class Load {
  acked: Acked[] = [];
  failures: string[] = [];
  /** Answers that needed a client-side resend (HAProxy's own retries are invisible here). */
  clientRetries = 0;
  private next = 0;
  private scenarioDone = false;
  private waiters: Array<{ count: number; resolve: () => void }> = [];
  readonly finished: Promise<void>;

  constructor(private readonly options: LoadOptions) {
    this.finished = Promise.all(Array.from({ length: options.loops }, (_, loop) => this.loop(loop))).then(() => {
      for (const waiter of this.waiters.splice(0)) waiter.resolve();
    });
  }

  get answered(): number {
    return this.acked.length + this.failures.length;
  }

  /** Resolves once `count` requests have been answered (or the load ended). */
  reached(count: number): Promise<void> {
    if (this.answered >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** The scenario is over: the loops stop once `minimum` requests were sent. */
  end(): Promise<void> {
    this.scenarioDone = true;
    return this.finished;
  }

  private more(): boolean {
    if (this.next < this.options.minimum) return true;
    return !this.scenarioDone && this.next < this.options.maximum;
  }

  private async loop(loop: number): Promise<void> {
    const url = this.options.urls[loop % this.options.urls.length] as string;
    while (this.more()) {
      const { kind, path, body, key } = job(this.next++, this.options);
      try {
        const answer = await send(url, 'POST', path, body, key);
        this.clientRetries += answer.retries > 0 ? 1 : 0;
        if (answer.status === 200 || answer.status === 201) this.acked.push({ key, kind, body, status: answer.status, json: answer.json });
        else this.failures.push(`${key}: ${answer.status} ${JSON.stringify(answer.json)}`);
      } catch (error) {
        this.failures.push(`${key}: ${(error as Error).message}`);
      }
      for (const waiter of [...this.waiters]) {
        if (this.answered >= waiter.count) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    }
  }
}
