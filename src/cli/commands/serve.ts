// oms serve: the HTTP API (SPEC §7) over the same state, rules and --json
// shapes. This file only checks the options and opens the store; the server
// lives in src/serve/ and is loaded (with fastify) only here.

import { invalid } from '../../core/errors.js';
import { Oms } from '../../app/oms.js';
import { loadToken, refuseOpenHost } from '../../serve/auth.js';
import { parseDrainMs } from '../../serve/drain.js';
import type { CliContext } from '../context.js';
import { count } from '../../text/count.js';
import type { CommandOutput } from '../output.js';

export interface ServeOptions {
  host: string;
  port: string;
  tokenFile?: string;
  drainMs: string;
  /** A directory or s3://bucket/prefix/ to load order files from (src/inbox). */
  inbox?: string;
  inboxInterval: string;
}

/** 0 asks the system for a free port (the log line "listening" says which). */
export function parsePort(input: string): number {
  if (!/^\d{1,5}$/.test(input) || Number(input) > 65_535) throw invalid('port', input, 'is not a port number (0 to 65535)');
  return Number(input);
}

export async function runServe(options: ServeOptions, ctx: CliContext): Promise<CommandOutput> {
  ctx.refuseOpId('serve', 'each request gives its own Idempotency-Key header');
  const port = parsePort(options.port);
  const drainMs = parseDrainMs(options.drainMs);
  const token = loadToken(options.tokenFile, ctx.io.env);
  refuseOpenHost(options.host, token);
  const inbox = options.inbox === undefined ? undefined : await (await import('../../inbox/open.js')).prepareInbox(options.inbox, options.inboxInterval, ctx.io.env);
  // SIGINT/SIGTERM mean "drain and stop", which is success.
  ctx.signalHandled = true;

  const { createLogger, logSink, noticeLogger, runServer } = await import('../../serve/server.js');
  const sink = logSink(ctx.io.stderr);
  const logger = createLogger(sink);
  try {
    const storeOptions = {
      waitTimeoutMs: ctx.lockTimeoutMs,
      command: ctx.commandLine,
      notice: noticeLogger(logger, ctx.quiet),
      longLived: true,
    };
    const oms = await Oms.open(ctx.statePath, storeOptions);
    // The inbox imports through a store of its own: its batch holds the writer like another
    // process would, and the routes' store sees the batch only once it is committed.
    const inboxOms = inbox ? await Oms.open(ctx.statePath, { ...storeOptions, signal: ctx.signal }) : undefined;
    const task = inbox && inboxOms ? inbox.task(inboxOms, logger) : undefined;
    try {
      const summary = await runServer({
        oms,
        logger,
        host: options.host,
        port,
        token,
        drainMs,
        signal: ctx.signal,
        ...(task ? { task } : {}),
      });
      return {
        json: summary,
        text: () =>
          `oms serve stopped (${summary.stopped}) after ${count(summary.requests, 'request')}; ${count(summary.committedRequests, 'operation')} committed with ${count(summary.fsyncs, 'fsync')}`,
      };
    } finally {
      await oms.close();
      await inboxOms?.close();
    }
  } finally {
    // Every line logged is written before the command ends, and before its own error if it fails.
    await sink.close();
  }
}
