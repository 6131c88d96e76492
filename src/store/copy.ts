// `oms copy FROM TO`: a whole state from any location to any other (file ↔
// PostgreSQL), as its operations in order with their op ids, times and
// results, so every replay answers after the copy as before. The target must
// be empty; the source is only read.

import { OmsError } from '../core/errors.js';
import { displayLocation, isDatabaseUrl } from './open.js';
import { redact } from './postgres/location.js';
import type { StateDump } from './replay.js';

export interface CopyResult {
  from: string;
  to: string;
  operations: number;
  convention: string;
}

export async function copyState(from: string, to: string, options: { waitTimeoutMs: number; command: string }): Promise<CopyResult> {
  let dump: StateDump | undefined;
  let close = async (): Promise<void> => undefined;
  if (isDatabaseUrl(from)) {
    const opened = await (await import('./postgres/copy.js')).dumpPostgres(from);
    dump = opened?.dump;
    if (opened) close = opened.close;
  } else {
    dump = (await import('./file/copy.js')).dumpFile(from);
  }
  if (!dump) throw new OmsError('INVALID_ARGUMENT', `from: there is no state at ${displayLocation(from)}`, { field: 'from', value: displayLocation(from) });
  // A file target's lock shows the command line to waiters: a source URL's password must not be in it.
  const command = redact(options.command);
  try {
    const operations = isDatabaseUrl(to)
      ? await (await import('./postgres/copy.js')).loadPostgres(to, dump)
      : await (await import('./file/copy.js')).loadFile(to, dump, { waitTimeoutMs: options.waitTimeoutMs, command });
    return { from: displayLocation(from), to: displayLocation(to), operations, convention: dump.convention };
  } finally {
    await close();
  }
}
