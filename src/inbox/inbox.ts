// `oms serve --inbox`: the loop that loads order files dropped into a
// directory or an S3 prefix (SPEC §11). Each poll lists the ready .csv files
// and imports each, in name order, as one atomic batch named NAME@VERSION, so
// its rows' derived op ids depend only on the file's name and version: a file
// seen again (after a crash before it was moved, by a second server, after a
// restart) replays instead of applying twice. A loaded file moves to done/, a
// rejected one to rejected/ with its problems; one log line says so. A file
// that cannot be read or committed now stays where it is and is retried at
// the next poll; an inbox that cannot be listed is logged and polled again.

import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { OmsError, type Problem } from '../core/errors.js';
import { importCsv, type ImportSummary } from '../import/batch.js';
import type { Oms } from '../app/oms.js';
import type { Folder, InboxFile, InboxLocation } from './location.js';
import { InboxMetrics } from './metrics.js';

export interface InboxOptions {
  location: InboxLocation;
  /** On a store of its own: an import holds its writer while it runs, as another process would. */
  app: Oms;
  logger: Logger;
  intervalMs: number;
}

/** A file imported (or rejected) whose move out of the inbox has not happened yet. */
interface Settling {
  folder: Folder;
  problems?: Problem[];
  /** The log line, written once the move is tried. */
  log: Record<string, unknown>;
}

const NO_STDIN = Readable.from([]);

/** The batch a file is imported as: its name and version. */
export function batchNameOf(file: InboxFile): string {
  return `${file.name}@${file.version}`;
}

export class Inbox {
  readonly metrics = new InboxMetrics();
  private readonly controller = new AbortController();
  private running: Promise<void> | undefined;
  private readonly settling = new Map<string, Settling>();
  /** The last failure logged per file version, so a retry that fails the same way is not logged again. */
  private readonly failures = new Map<string, string>();
  private listFailure: string | undefined;

  constructor(private readonly options: InboxOptions) {}

  start(): void {
    this.running ??= this.run();
  }

  /** Stops polling; an import in progress is rolled back (it is imported again at the next start). */
  async stop(): Promise<void> {
    this.controller.abort(new OmsError('INTERRUPTED', 'the server is stopping'));
    await this.running;
    this.options.location.close();
  }

  private get signal(): AbortSignal {
    return this.controller.signal;
  }

  private async run(): Promise<void> {
    const { location, logger, intervalMs } = this.options;
    logger.info({ inbox: location.label, intervalMs }, 'inbox: watching');
    while (!this.signal.aborted) {
      try {
        await this.poll();
      } catch (error) {
        logger.error({ inbox: location.label, err: error }, 'inbox: poll failed');
      }
      await this.pause(intervalMs);
    }
  }

  private pause(ms: number): Promise<void> {
    const signal = this.signal;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private async poll(): Promise<void> {
    const { location, logger } = this.options;
    let files: InboxFile[];
    try {
      files = await location.list();
    } catch (error) {
      this.metrics.polls.failed++;
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.listFailure) logger.error({ inbox: location.label, code: codeOf(error), error: message }, 'inbox: cannot list');
      this.listFailure = message;
      return;
    }
    this.metrics.polls.ok++;
    if (this.listFailure !== undefined) logger.info({ inbox: location.label }, 'inbox: listing again');
    this.listFailure = undefined;
    const listed = new Set(files.map(batchNameOf));
    // What is no longer there (moved by another server, taken away by hand) needs no memory.
    for (const key of this.failures.keys()) if (!listed.has(key)) this.failures.delete(key);
    for (const key of this.settling.keys()) if (!listed.has(key)) this.settling.delete(key);
    for (const file of files) {
      if (this.signal.aborted) return;
      await this.handle(file);
    }
  }

  private async handle(file: InboxFile): Promise<void> {
    const batch = batchNameOf(file);
    const pending = this.settling.get(batch);
    if (pending) return this.settle(file, batch, pending);
    const started = performance.now();
    let source;
    try {
      source = await this.options.location.open(file, this.signal);
    } catch (error) {
      return this.failed(file, batch, error);
    }
    if (!source) return;
    let summary: ImportSummary;
    let counts: { read: number; rejected: number } | undefined;
    try {
      summary = await importCsv(
        this.options.app,
        { file: file.label, stdin: NO_STDIN, batch, dryRun: false, continueOnError: false, source },
        {
          signal: this.signal,
          notice: (message) => this.options.logger.info({ notice: message }, 'notice'),
          progress: () => ({
            update: (rows, bytes) => {
              this.metrics.importingRows = rows;
              this.metrics.importingBytes = bytes;
            },
            committing: () => {},
            done: () => {},
          }),
          rejectedRows: (found) => {
            counts = found;
          },
        },
      );
    } catch (error) {
      // Stopping: the inbox was stopped, or the signal that stops the server reached the store first.
      if (this.signal.aborted || (error instanceof OmsError && error.code === 'INTERRUPTED')) {
        this.controller.abort(error);
        this.options.logger.info({ file: file.label, batch, rowsRead: this.metrics.importingRows }, 'inbox: stopped while importing; rolled back, the file stays for the next start');
        return;
      }
      if (error instanceof OmsError && error.code === 'CSV_INVALID') return this.rejected(file, batch, error, counts, started);
      return this.failed(file, batch, error);
    } finally {
      source.close();
      this.metrics.importingRows = 0;
      this.metrics.importingBytes = 0;
    }
    this.failures.delete(batch);
    this.metrics.files.loaded++;
    this.metrics.rows.applied += summary.applied;
    this.metrics.rows.replayed += summary.replayed;
    this.metrics.rows.unchanged += summary.unchanged;
    const log = { file: file.label, batch, outcome: 'loaded', read: summary.read, applied: summary.applied, replayed: summary.replayed, unchanged: summary.unchanged, ms: elapsed(started) };
    return this.settle(file, batch, { folder: 'done', log });
  }

  private rejected(file: InboxFile, batch: string, error: OmsError, counts: { read: number; rejected: number } | undefined, started: number): Promise<void> {
    this.failures.delete(batch);
    this.metrics.files.rejected++;
    this.metrics.rows.rejected += counts?.rejected ?? 0;
    const problems = error.details.problems ?? [];
    const log = {
      file: file.label,
      batch,
      outcome: 'rejected',
      read: counts?.read,
      rejected: counts?.rejected,
      problems: problems.length + (error.details.moreProblems ?? 0),
      error: error.message,
      ms: elapsed(started),
    };
    return this.settle(file, batch, { folder: 'rejected', problems, log });
  }

  /** Moves the file out and writes its one log line; a move that fails is retried at the next poll (and logged once). */
  private async settle(file: InboxFile, batch: string, settling: Settling): Promise<void> {
    const { logger } = this.options;
    let movedTo: string | undefined;
    try {
      movedTo = await this.options.location.settle(file, settling.folder, settling.problems);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!this.settling.has(batch)) logger.error({ ...settling.log, movedTo: null, moveError: message }, 'inbox: file');
      this.settling.set(batch, settling);
      return;
    }
    const retried = this.settling.delete(batch);
    const line = { ...settling.log, movedTo: movedTo ?? null };
    if (retried) logger.info({ file: file.label, batch, movedTo: movedTo ?? null }, 'inbox: moved');
    else if (settling.folder === 'done') logger.info(line, 'inbox: file');
    else logger.warn(line, 'inbox: file');
  }

  private failed(file: InboxFile, batch: string, error: unknown): void {
    this.metrics.files.failed++;
    const message = error instanceof Error ? error.message : String(error);
    if (this.failures.get(batch) === message) return;
    this.failures.set(batch, message);
    this.options.logger.error({ file: file.label, batch, outcome: 'failed', code: codeOf(error), error: message, retry: 'next poll' }, 'inbox: file');
  }
}

function codeOf(error: unknown): string {
  return error instanceof OmsError ? error.code : 'INTERNAL';
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
