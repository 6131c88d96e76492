// The server's life: check the state, listen, log where, follow other
// processes' commits, serve until SIGINT/SIGTERM, then drain (drain.ts: not
// ready, serve on for --drain-ms, stop accepting, answer every request in
// flight with their commits), close the store and report.

import pino, { type Logger } from 'pino';
import type { Oms } from '../app/oms.js';
import { OmsError } from '../core/errors.js';
import { escapeJsonText } from '../core/text.js';
import { buildApp } from './app.js';
import { drain } from './drain.js';
import { Follower } from './follower.js';

export interface ServerOptions {
  oms: Oms;
  logger: Logger;
  host: string;
  port: number;
  token: string | undefined;
  /** After SIGTERM: how long to keep serving with /readyz at 503 before stopping. */
  drainMs: number;
  /** Aborted (with the signal's name) when the server should stop. */
  signal: AbortSignal;
  /** Work beside the routes (the inbox): started once listening, stopped before the requests in flight are drained. */
  task?: ServerTask;
}

export interface ServerTask {
  start(): void;
  stop(): Promise<void>;
  /** Prometheus text added to /metrics. */
  metrics(): string;
}

export interface ServeSummary {
  url: string;
  stopped: string;
  requests: number;
  committedRequests: number;
  commits: number;
  fsyncs: number;
}

/** Where log lines go, and how to wait until they are all written. */
export interface LogSink {
  write(line: string): unknown;
  close(): Promise<void>;
}

/** Log lines are written when this much is waiting, or after LOG_FLUSH_MS. */
const LOG_BUFFER = 8192;
const LOG_FLUSH_MS = 50;

/**
 * The process's own stderr is written without blocking: a line per request
 * written synchronously (as Node writes stderr to files and pipes) stalls
 * every request behind it whenever the disk or the log reader is slow.
 * Lines are gathered and written together (8 KiB, or 50 ms after the first):
 * one write per request cost the server about a tenth of its CPU per request
 * (measured at 500 req/s). Lines still in memory when the process is killed
 * are lost; the journal, not the log, is the record. Any other stream
 * (tests) is written as is.
 */
export function logSink(stderr: { write(line: string): unknown }): LogSink {
  if (stderr !== process.stderr) return { write: (line) => stderr.write(line), close: () => Promise.resolve() };
  const destination = pino.destination({ dest: 2, sync: false, minLength: LOG_BUFFER });
  // A reader that went away loses the log, not the server.
  destination.on('error', () => undefined);
  let waiting = false;
  const flusher = setInterval(() => {
    if (!waiting) return;
    waiting = false;
    try {
      destination.flush();
    } catch {
      // Destroyed after an error: the log is lost, as above.
    }
  }, LOG_FLUSH_MS);
  flusher.unref();
  return {
    write: (line) => {
      waiting = true;
      return destination.write(line);
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(flusher);
        // Ending writes what is gathered, then closes.
        destination.once('close', () => resolve());
        destination.end();
      }),
  };
}

/** JSON lines on stderr: one per request, plus start, stop and notices. */
export function createLogger(stderr: { write(line: string): unknown }): Logger {
  return pino(
    {
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    // pino escapes C0 but leaves C1, U+2028/2029 and bidi controls raw: escaped here, the line stays the same JSON.
    { write: (line: string) => stderr.write(escapeJsonText(line)) },
  );
}

/** Store notices as log lines; one repeated word for word (an empty state, read again) is logged once. */
export function noticeLogger(logger: Logger, quiet: boolean): (message: string) => void {
  let last: string | undefined;
  return (message) => {
    if (quiet || message === last) return;
    last = message;
    logger.info({ notice: message }, 'notice');
  };
}

function urlOf(address: { address: string; port: number; family: string }): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new OmsError('INVALID_ARGUMENT', `port: ${port} is already in use on ${host}`, { field: 'port', value: String(port) });
  if (code === 'EACCES') return new OmsError('INVALID_ARGUMENT', `port: ${port} on ${host} needs privileges this process lacks`, { field: 'port', value: String(port) });
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new OmsError('INVALID_ARGUMENT', `host: ${JSON.stringify(host)} is not an address of this machine`, { field: 'host', value: host });
  }
  return error;
}

const aborted = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

export async function runServer(options: ServerOptions): Promise<ServeSummary> {
  const { oms, logger, signal } = options;
  // A state that cannot be read stops the server before it listens.
  await oms.check();
  const { task } = options;
  const { app, queue, metrics, readiness, beginDrain } = buildApp({ oms, logger, token: options.token, ...(task ? { moreMetrics: () => task.metrics() } : {}) });
  let url: string;
  try {
    await app.listen({ host: options.host, port: options.port });
    url = urlOf(app.server.address() as { address: string; port: number; family: string });
  } catch (error) {
    await app.close();
    throw listenError(error, options.host, options.port);
  }
  const follower = new Follower(oms);
  follower.start();
  logger.info({ url, auth: options.token === undefined ? 'none' : 'bearer' }, 'listening');
  task?.start();

  await aborted(signal);
  // SIGTERM is how a deployment stops a server, so it drains; Ctrl-C at a terminal means now.
  const drainMs = signal.reason === 'SIGTERM' ? options.drainMs : 0;
  await drain({ app, queue, readiness, beginDrain, logger, drainMs, signal: String(signal.reason), ...(task ? { stopTask: () => task.stop() } : {}) });
  await follower.stop();
  const summary: ServeSummary = {
    url,
    stopped: String(signal.reason),
    requests: metrics.answered,
    committedRequests: queue.committed,
    commits: oms.stats.commits,
    // Every commit is one durable flush (the file store's fsync).
    fsyncs: oms.stats.commits,
  };
  logger.info(summary, 'stopped');
  return summary;
}
