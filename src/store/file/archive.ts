// Past facts of a file state, found by key without loading history: a key's
// candidate offsets come from the tail's memory index and STEM.index, and the
// journal line there is read (through a cached block) and checked, so a hash
// collision never merges two operations. In a long-lived store (`oms serve`)
// reads do not block, so a lookup never stalls every other request on the
// disk; a one-shot command has nothing else to do meanwhile, and reads
// directly, which is cheaper (an import looks up a million keys).

import { hasKey, type Archive, type Facts, type OperationRecord } from '../../core/ledger.js';
import { corrupt, scanCommitted } from '../journal.js';
import { IndexDamage } from '../key-index.js';
import { readLater, readNow, STOPPED, type ReadSteps } from '../reads.js';
import type { FileContext, Loaded } from './context.js';
import { addKeys, type FileState } from './open.js';

export class FileArchive implements Archive {
  /** Reads block: lookups can be answered at once (`fetchNow`). */
  readonly blocking: boolean;

  constructor(
    private readonly ctx: FileContext,
    private readonly state: FileState,
  ) {
    this.blocking = ctx.options.longLived !== true;
  }

  async fetch(keys: readonly string[]): Promise<Map<string, OperationRecord>> {
    if (this.blocking) return this.fetchNow(keys);
    const found = new Map<string, OperationRecord>();
    for (const key of keys) {
      const record = await this.find(key);
      if (record) found.set(key, record);
    }
    return found;
  }

  /** Facts looked up as they are asked for; only for a blocking archive. */
  readonly now: Facts = {
    get: (key) => {
      const loaded = this.state.current;
      return loaded ? this.findNow(loaded, key) : undefined;
    },
  };

  private fetchNow(keys: readonly string[]): Map<string, OperationRecord> {
    const found = new Map<string, OperationRecord>();
    for (const key of keys) {
      const record = this.now.get(key);
      if (record) found.set(key, record);
    }
    return found;
  }

  private async find(key: string): Promise<OperationRecord | undefined> {
    for (;;) {
      const loaded = this.state.current;
      if (!loaded) return undefined;
      // STOPPED: the state was reloaded while this waited; look again in the new one.
      const found = await readLater(lookup(this.ctx, loaded, key), () => loaded.closed);
      if (found !== RETRY && found !== STOPPED) return found;
    }
  }

  private findNow(loaded: Loaded, key: string): OperationRecord | undefined {
    for (;;) {
      const found = readNow(lookup(this.ctx, loaded, key));
      if (found !== RETRY) return found;
    }
  }
}

const RETRY = Symbol('retry');

/**
 * One key's lookup as read steps (see `reads`), so the blocking and the
 * non-blocking reader share it: the index's candidates for the key, then the
 * journal line at each. RETRY: the index was found damaged and abandoned;
 * look again.
 */
function* lookup(ctx: FileContext, loaded: Loaded, key: string): ReadSteps<OperationRecord | undefined | typeof RETRY> {
  const offsets: number[] = [];
  loaded.tail.candidates(key, offsets);
  const fromTail = offsets.length;
  if (loaded.index) {
    try {
      yield* loaded.index.probe(key, offsets);
    } catch (error) {
      if (!(error instanceof IndexDamage)) throw error;
      abandonIndex(ctx, loaded, error.message);
      return RETRY;
    }
  }
  const journalEnd = loaded.writer?.end ?? loaded.end;
  for (let i = 0; i < offsets.length; i++) {
    const offset = offsets[i] as number;
    const indexed = i >= fromTail;
    if (indexed && (!Number.isInteger(offset) || offset < loaded.headerLength || offset >= journalEnd)) {
      abandonIndex(ctx, loaded, `it points at byte ${offset}, outside the journal`);
      return RETRY;
    }
    // A line of the write in progress may still be in the writer's buffer.
    if (loaded.writer && offset >= loaded.writer.flushed) loaded.writer.flush();
    const text = yield* loaded.lines.line(offset, loaded.end);
    let record: OperationRecord;
    try {
      record = JSON.parse(text) as OperationRecord;
    } catch {
      if (indexed) {
        abandonIndex(ctx, loaded, `it points at byte ${offset}, which is not the start of an operation`);
        return RETRY;
      }
      throw corrupt(ctx.paths.journal, offset, 'a journal line is not valid JSON');
    }
    if (hasKey(record, key)) return record;
  }
  return undefined;
}

/**
 * Stops trusting a damaged index: its keys are read from the journal into
 * memory instead, and the write in progress (if any) writes a new index.
 */
export function abandonIndex(ctx: FileContext, loaded: Loaded, why: string): void {
  ctx.notice(`${ctx.paths.index} is damaged (${why}); reading the journal instead${loaded.writable ? ' and rebuilding it' : ''}`);
  loaded.index?.close();
  loaded.index = undefined;
  if (loaded.tailFrom > loaded.headerLength) {
    scanCommitted(loaded.journalFd, ctx.paths.journal, loaded.headerLength, loaded.tailFrom, loaded.header.baseSeq, (record, offset) =>
      addKeys(loaded, record, offset),
    );
    loaded.tailFrom = loaded.headerLength;
  }
}
