// Past facts of a file state, found by key without loading history: a key's
// candidate offsets come from the tail's memory index and STEM.index, and the
// journal line there is read (through a cached block) and checked, so a hash
// collision never merges two operations. In a long-lived store (`oms serve`)
// reads do not block, so a lookup never stalls every other request on the
// disk; a one-shot command has nothing else to do meanwhile, and reads
// directly, which is cheaper (an import looks up a million keys).


import { hasKey, type Archive, type OperationRecord } from '../../core/ledger.js';
import { corrupt, scanCommitted } from '../journal.js';
import { IndexDamage } from '../key-index.js';
import type { FileContext, Loaded } from './context.js';
import { addKeys, type FileState } from './open.js';

/** The state was reloaded while a lookup waited on the old one: look again. */
class Reloaded extends Error {}

export class FileArchive implements Archive {
  private readonly blocking: boolean;

  constructor(
    private readonly ctx: FileContext,
    private readonly state: FileState,
  ) {
    this.blocking = ctx.options.longLived !== true;
  }

  async fetch(keys: readonly string[]): Promise<Map<string, OperationRecord>> {
    const found = new Map<string, OperationRecord>();
    for (const key of keys) {
      const record = await this.find(key);
      if (record) found.set(key, record);
    }
    return found;
  }

  private async find(key: string): Promise<OperationRecord | undefined> {
    for (;;) {
      const loaded = this.state.current;
      if (!loaded) return undefined;
      try {
        return await this.findIn(loaded, key);
      } catch (error) {
        if (!(error instanceof Reloaded)) throw error;
      }
    }
  }

  private async findIn(loaded: Loaded, key: string): Promise<OperationRecord | undefined> {
    const offsets: number[] = [];
    loaded.tail.candidates(key, offsets);
    const fromTail = offsets.length;
    try {
      if (this.blocking) loaded.index?.candidates(key, offsets);
      else await loaded.index?.candidatesAsync(key, offsets);
    } catch (error) {
      if (loaded.closed) throw new Reloaded();
      if (!(error instanceof IndexDamage)) throw error;
      abandonIndex(this.ctx, loaded, error.message);
      return this.findIn(loaded, key);
    }
    if (loaded.closed) throw new Reloaded();
    const journalEnd = loaded.writer?.end ?? loaded.end;
    for (let i = 0; i < offsets.length; i++) {
      const offset = offsets[i] as number;
      const indexed = i >= fromTail;
      if (indexed && (!Number.isInteger(offset) || offset < loaded.headerLength || offset >= journalEnd)) {
        abandonIndex(this.ctx, loaded, `it points at byte ${offset}, outside the journal`);
        return this.findIn(loaded, key);
      }
      // A line of the write in progress may still be in the writer's buffer.
      if (loaded.writer && offset >= loaded.writer.flushed) loaded.writer.flush();
      let text: string;
      try {
        text = this.blocking ? loaded.lines.at(offset, loaded.end) : await loaded.lines.atAsync(offset, loaded.end);
      } catch (error) {
        if (loaded.closed) throw new Reloaded();
        throw error;
      }
      if (loaded.closed) throw new Reloaded();
      let record: OperationRecord;
      try {
        record = JSON.parse(text) as OperationRecord;
      } catch {
        if (indexed) {
          abandonIndex(this.ctx, loaded, `it points at byte ${offset}, which is not the start of an operation`);
          return this.findIn(loaded, key);
        }
        throw corrupt(this.ctx.paths.journal, offset, 'a journal line is not valid JSON');
      }
      if (hasKey(record, key)) return record;
    }
    return undefined;
  }
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
