// The operation id of a row without an op_id cell (SPEC §4): the batch name,
// a digest of the row's canonical content (commandKey: the same request
// written differently gives the same key) and its occurrence number among
// identical rows. So importing a file again finds every row's operation
// already done, rows appended since are new, and two identical rows are two
// operations. Ids stay within the 128 characters an op id may have: a batch
// name that is long or holds control characters is replaced by its digest.

import { hash } from 'node:crypto';
import type { Command } from '../core/commands.js';
import { commandKey } from '../core/commands.js';
import { hasControl, hasLoneSurrogate } from '../core/text.js';
import { OccurrenceTable } from './occurrences.js';

/** Batch names longer than this are shortened to a digest in op ids. */
const MAX_LABEL = 64;
/** Digest characters kept in an op id: 96 bits of base64url. */
const DIGEST_CHARS = 16;

export function batchLabel(batch: string): string {
  if ([...batch].length <= MAX_LABEL && !hasControl(batch) && !hasLoneSurrogate(batch)) return batch;
  return `~${hash('sha256', batch, 'base64url').slice(0, 22)}`;
}

/** The digest part of a derived id: which row content it was made for. */
function contentDigest(command: Command): string {
  return hash('sha256', commandKey(command), 'base64url').slice(0, DIGEST_CHARS);
}

const DERIVED = /^import:.+:([A-Za-z0-9_-]{16}):[1-9]\d*$/;

/**
 * True if `opId` is an id a row with this content derives (under any batch
 * name): what a --rejects file writes in op_id. Such an id can only ever name
 * this very operation, so keeping it cannot make another row conflict.
 */
export function derivedFor(opId: string, command: Command): boolean {
  return DERIVED.exec(opId)?.[1] === contentDigest(command);
}

export class RowOpIds {
  private readonly prefix: string;
  private readonly occurrences = new OccurrenceTable();

  constructor(batch: string) {
    this.prefix = `import:${batchLabel(batch)}:`;
  }

  /** The next row with this content: its op id. */
  derive(command: Command): string {
    const digest = contentDigest(command);
    return `${this.prefix}${digest}:${this.occurrences.next(digest)}`;
  }
}
