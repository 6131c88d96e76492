// oms import: a CSV file of orders applied as one all-or-nothing batch
// (SPEC §4). The work is in src/import; this checks the flags, puts the
// progress bar on a terminal, and shows the summary.

import { OmsError } from '../../core/errors.js';
import { parseText } from '../../core/fields.js';
import { importCsv, type ImportSummary } from '../../import/batch.js';
import { formatProblem } from '../../import/problems.js';
import { ProgressBar } from '../../import/progress.js';
import { isS3Url } from '../../objectstore/s3-url.js';
import type { CliContext } from '../context.js';
import { count } from '../../text/count.js';
import type { CommandOutput } from '../output.js';

export interface ImportOptions {
  file: string;
  dryRun: boolean;
  continueOnError: boolean;
  rejects?: string;
  batch?: string;
  /** Comma-separated names. */
  ignoreColumns?: string;
  decimalComma?: boolean;
}

const MAX_BATCH_NAME = 256;

function usage(field: string, value: string, message: string): OmsError {
  return new OmsError('INVALID_ARGUMENT', `${field}: ${message}`, { field, value });
}

function checkOptions(options: ImportOptions, ctx: CliContext): void {
  ctx.refuseOpId('import', 'each row has its own operation id (its op_id cell, or one derived from the batch name and the row)');
  if (options.rejects !== undefined && !options.continueOnError) {
    throw usage('rejects', options.rejects, '--rejects needs --continue-on-error (without it, one bad row means nothing is applied)');
  }
  if (options.rejects === '-') throw usage('rejects', '-', 'give a file name: stdout carries the summary');
  if (options.batch !== undefined && (options.batch === '' || parseText(options.batch, 'batch', MAX_BATCH_NAME) === null)) {
    throw usage('batch', options.batch, 'is empty');
  }
}

function ignoredColumns(list: string): string[] {
  const names = list.split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (names.length === 0) throw usage('ignore-columns', list, 'give the header names of the columns to skip, separated by commas');
  return names;
}

function summaryText(summary: ImportSummary): string {
  const counts = [
    `${count(summary.read, 'row')} read`,
    `${summary.applied} ${summary.dryRun ? 'would apply' : 'applied'}`,
    `${summary.replayed} replayed`,
    ...(summary.unchanged > 0 ? [`${summary.unchanged} unchanged`] : []),
    `${summary.rejected} rejected${summary.rejectsFile && summary.rejected > 0 ? ` (written to ${summary.rejectsFile})` : ''}`,
  ];
  const what = summary.dryRun ? `Dry run of ${summary.file}` : `Imported ${summary.file}`;
  return `${what}: ${counts.join(', ')} in ${summary.seconds.toFixed(2)} s${summary.dryRun ? '; nothing changed' : ''}`;
}

export async function runImport(options: ImportOptions, ctx: CliContext): Promise<CommandOutput> {
  checkOptions(options, ctx);
  const showProgress = !ctx.quiet && ctx.io.stderr.isTTY === true && ctx.io.env['TERM'] !== 'dumb';
  const request = {
    file: options.file,
    stdin: ctx.io.stdin,
    dryRun: options.dryRun,
    continueOnError: options.continueOnError,
    ...(options.batch !== undefined ? { batch: options.batch } : {}),
    ...(options.rejects !== undefined ? { rejects: options.rejects } : {}),
    ...(options.ignoreColumns !== undefined ? { ignoreColumns: ignoredColumns(options.ignoreColumns) } : {}),
    decimalComma: options.decimalComma === true,
  };
  const hooks = {
    signal: ctx.signal,
    notice: (message: string) => ctx.notice(message),
    ...(showProgress
      ? {
          progress: (total: number | undefined) => {
            const bar = new ProgressBar(ctx.io.stderr, options.file, total);
            ctx.statusLine = bar;
            return bar;
          },
        }
      : {}),
  };
  // An s3:// file is fetched through the SDK, loaded only then.
  const source = isS3Url(options.file) ? await (await import('../../objectstore/s3-object.js')).openS3Object(options.file, ctx.io.env, ctx.signal) : undefined;
  let summary: ImportSummary;
  try {
    summary = await importCsv(await ctx.app(), { ...request, ...(source ? { source } : {}) }, hooks);
  } finally {
    source?.close();
  }
  if (summary.rejected > 0 && summary.rejectsFile === null) {
    for (const problem of summary.problems) ctx.warn(formatProblem(problem));
    if (summary.moreProblems > 0) ctx.warn(`... and ${count(summary.moreProblems, 'more problem')}`);
  }
  return { json: summary, text: () => summaryText(summary) };
}
