// How servers on one PostgreSQL state learn at once that another process
// committed (SPEC §10; the store side of store/commit-watch.ts). A trigger on
// the state row (migration 3) calls pg_notify with the new seq inside every
// transaction that adds operations, whoever wrote it (a server, a CLI
// command, `oms copy`), and PostgreSQL delivers it when, and only if, that
// transaction commits. A long-lived store LISTENs on a connection of its own:
// LISTEN belongs to a session, and a pooled connection is lent to writes.

import { createHash } from 'node:crypto';
import pg from 'pg';

/** PostgreSQL keeps 63 bytes of an identifier, and pg_notify refuses a longer channel name. */
const MAX_IDENTIFIER = 63;
const HASH_CHARS = 12;
/** A reconnect waits this long after the first failure, twice as long after each next one, up to the maximum. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;
const KEEPALIVE_IDLE_MS = 10_000;

/**
 * The state's notification channel. Migration 3 writes it into each schema's
 * trigger, so a change here needs a migration that replaces the trigger.
 */
export function channelOf(schema: string): string {
  const plain = `oms_${schema}`;
  if (plain.length <= MAX_IDENTIFIER) return plain;
  // Schema names are at most 63 bytes: a long one keeps a readable start and
  // a hash of the whole. `omsh_` is no `oms_` channel's start, so a
  // shortened name never equals a plain one.
  const hash = createHash('sha256').update(schema).digest('hex').slice(0, HASH_CHARS);
  return `omsh_${schema.slice(0, MAX_IDENTIFIER - 'omsh_'.length - 1 - HASH_CHARS)}_${hash}`;
}

export interface CommitListenerOptions {
  connectionString: string;
  applicationName: string;
  channel: string;
  /**
   * Called with the seq a commit reached, or with undefined once listening
   * again after a lost connection (what was committed meanwhile is unknown).
   */
  onCommit(seq: number | undefined): void;
}

/**
 * One connection that listens on a channel and connects again by itself,
 * with a growing delay, whenever it is lost (the database restarted) until
 * closed. While it is away, the follower's polling still catches up.
 */
export class CommitListener {
  private client: pg.Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;

  constructor(private readonly options: CommitListenerOptions) {
    void this.connect();
  }

  private async connect(): Promise<void> {
    const { channel } = this.options;
    // An idle listener never writes, so a peer that vanished without closing (a network cut) is only
    // noticed by TCP keepalive: probing after 10 s idle, not the system's default 2 hours, finds it in minutes.
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: this.options.applicationName,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_IDLE_MS,
    });
    this.client = client;
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.channel !== channel) return;
      const seq = Number(message.payload);
      this.options.onCommit(Number.isSafeInteger(seq) ? seq : undefined);
    });
    try {
      await client.connect();
      await client.query(`listen "${channel}"`);
    } catch {
      this.lost(client);
      return;
    }
    if (client !== this.client) return;
    const missed = this.failures > 0;
    this.failures = 0;
    if (missed) this.options.onCommit(undefined);
  }

  private lost(client: pg.Client): void {
    // A connection fails with both an error and an end, and a replaced one may still report: act once, on the current one.
    if (client !== this.client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    if (this.closed) return;
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.failures++);
    // Jitter, so that servers that lost the database together do not all knock at once when it returns.
    this.retry = setTimeout(() => void this.connect(), delay * (0.5 + Math.random() / 2));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
