// What /metrics reports, in the Prometheus text format (version 0.0.4):
// requests by route and status, a latency histogram per route, and the
// store's commit counters, from which fsyncs per committed request show
// whether group commit is working.

import type { StoreStats } from '../store/store.js';

/** Upper bounds in seconds: fine below 5 ms, where the targets are. */
const BUCKETS = [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Latency {
  counts: number[];
  sum: number;
  count: number;
}

export interface Gauges {
  store: StoreStats;
  /** Requests whose operation a write committed. */
  committedRequests: number;
  /** Requests waiting for, or in, a commit. */
  pendingCommits: number;
  liveOrders: number | undefined;
}

/** Help lines for the counters a store reports besides commits and operations. */
const DETAIL_HELP: Record<string, string> = {
  fsyncs: 'fsync calls on the journal by this server.',
  checkpoints: 'Journal folds into a new snapshot.',
};

const escape = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

function labels(pairs: Record<string, string>): string {
  return `{${Object.entries(pairs).map(([name, value]) => `${name}="${escape(value)}"`).join(',')}}`;
}

function family(name: string, type: string, help: string, samples: string[]): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${samples.join('')}`;
}

export class Metrics {
  private readonly requests = new Map<string, { method: string; route: string; status: string; count: number }>();
  private readonly latencies = new Map<string, { method: string; route: string; latency: Latency }>();

  /** Requests answered since start. */
  get answered(): number {
    let total = 0;
    for (const { count } of this.requests.values()) total += count;
    return total;
  }

  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route} ${status}`;
    const counter = this.requests.get(key);
    if (counter) counter.count++;
    else this.requests.set(key, { method, route, status: String(status), count: 1 });

    const routeKey = `${method} ${route}`;
    let entry = this.latencies.get(routeKey);
    if (!entry) {
      entry = { method, route, latency: { counts: BUCKETS.map(() => 0), sum: 0, count: 0 } };
      this.latencies.set(routeKey, entry);
    }
    const latency = entry.latency;
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= (BUCKETS[i] as number)) latency.counts[i] = (latency.counts[i] as number) + 1;
    latency.sum += seconds;
    latency.count++;
  }

  render(gauges: Gauges): string {
    const requestSamples = [...this.requests.values()].map(
      ({ method, route, status, count }) => `oms_http_requests_total${labels({ method, route, status })} ${count}\n`,
    );
    const latencySamples: string[] = [];
    for (const { method, route, latency } of this.latencies.values()) {
      BUCKETS.forEach((bound, i) => latencySamples.push(`oms_http_request_duration_seconds_bucket${labels({ method, route, le: String(bound) })} ${latency.counts[i]}\n`));
      latencySamples.push(`oms_http_request_duration_seconds_bucket${labels({ method, route, le: '+Inf' })} ${latency.count}\n`);
      latencySamples.push(`oms_http_request_duration_seconds_sum${labels({ method, route })} ${latency.sum}\n`);
      latencySamples.push(`oms_http_request_duration_seconds_count${labels({ method, route })} ${latency.count}\n`);
    }
    const { store } = gauges;
    // Every commit is one durable flush (an fsync of the journal, a database commit).
    const perRequest = gauges.committedRequests > 0 ? store.commits / gauges.committedRequests : 0;
    const details = Object.entries(store.details ?? {}).map(([name, value]) =>
      family(`oms_store_${name}_total`, 'counter', DETAIL_HELP[name] ?? `The store's ${name} count.`, [`oms_store_${name}_total ${value}\n`]),
    );
    const parts = [
      family('oms_http_requests_total', 'counter', 'HTTP requests answered, by method, route and status.', requestSamples),
      family('oms_http_request_duration_seconds', 'histogram', 'Time from request received to response sent, by method and route.', latencySamples),
      family('oms_store_commits_total', 'counter', 'Writes that committed at least one operation.', [`oms_store_commits_total ${store.commits}\n`]),
      family('oms_store_operations_total', 'counter', 'Operations committed by this server.', [`oms_store_operations_total ${store.operations}\n`]),
      ...details,
      family('oms_committed_requests_total', 'counter', 'Mutation requests whose operation a write committed.', [`oms_committed_requests_total ${gauges.committedRequests}\n`]),
      family('oms_fsyncs_per_committed_request', 'gauge', 'fsyncs divided by committed requests since start; below 1 when group commit shares fsyncs.', [
        `oms_fsyncs_per_committed_request ${perRequest}\n`,
      ]),
      family('oms_pending_commits', 'gauge', 'Mutation requests waiting for, or in, a commit.', [`oms_pending_commits ${gauges.pendingCommits}\n`]),
    ];
    if (gauges.liveOrders !== undefined) {
      parts.push(family('oms_live_orders', 'gauge', 'Live orders in the state.', [`oms_live_orders ${gauges.liveOrders}\n`]));
    }
    return parts.join('');
  }
}
