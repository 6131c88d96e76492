// Folding the journal into a new snapshot (a checkpoint), so the cost of
// opening follows the live state, not the length of history: the tail's keys
// go into STEM.index (fsynced before its header moves), then the snapshot is
// replaced. A long-lived writer (`oms serve`) folds less often, because a
// checkpoint stalls the commits queued behind it.

import fs from 'node:fs';
import path from 'node:path';
import { stateMode } from '../durable.js';
import { FileIndex, IndexDamage, MemoryIndex } from '../key-index.js';
import { tempOwner, type StatePaths } from '../paths.js';
import { snapshotOf, SNAPSHOT_SCHEMA } from '../snapshot.js';
import { abandonIndex } from './archive.js';
import type { FileContext, Loaded } from './context.js';

/** Journal bytes after the snapshot that trigger a checkpoint: past both minBytes and snapshotRatio × the snapshot. */
const POLICY = { minBytes: 64 * 1024, snapshotRatio: 0.5 };
const LONG_LIVED_POLICY = { minBytes: 1 << 20, snapshotRatio: 2 };

/** Whether the journal after the snapshot has grown enough to fold (or there is no index yet). */
function due(ctx: FileContext, loaded: Loaded): boolean {
  const pending = loaded.end - loaded.snapshotOffset;
  const policy = ctx.options.longLived ? LONG_LIVED_POLICY : POLICY;
  // A snapshot written before checksums is replaced by a checksummed one at the first write.
  return pending > Math.max(policy.minBytes, loaded.snapshotSize * policy.snapshotRatio) || !loaded.index || !ctx.snapshot.adapter.checksummed;
}

/**
 * Checkpoints if due. A failed checkpoint loses nothing (the journal has it
 * all): say so and go on. A long-lived store first reads the index without
 * blocking.
 */
export async function checkpointQuietly(ctx: FileContext, loaded: Loaded): Promise<void> {
  if (!due(ctx, loaded)) return;
  try {
    if (ctx.options.longLived) await loaded.index?.prepareInsert();
    checkpoint(ctx, loaded);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    ctx.notice(`warning: could not fold the journal into the snapshot (${reason}); nothing is lost, it will be retried`);
  }
}

/** Folds the journal into the index and a new snapshot. */
function checkpoint(ctx: FileContext, loaded: Loaded): void {
  const { paths, snapshot } = ctx;
  const mode = stateMode(paths.snapshot);
  const covered = { offset: loaded.end, seq: loaded.ledger.counters.seq };
  if (loaded.index) {
    try {
      loaded.index = loaded.index.insertAll(loaded.tail, covered, mode);
    } catch (error) {
      if (!(error instanceof IndexDamage)) throw error;
      abandonIndex(ctx, loaded, error.message);
    }
  }
  loaded.index ??= FileIndex.create(paths.index, loaded.header.id, loaded.tail.entries(), loaded.tail.size, covered, mode);
  snapshot.db.data = snapshotOf(loaded.ledger, {
    oms: 'state',
    schema: SNAPSHOT_SCHEMA,
    journalId: loaded.header.id,
    createdAt: loaded.createdAt,
    journalOffset: loaded.end,
  });
  snapshot.db.write();
  loaded.snapshotOffset = loaded.end;
  loaded.snapshotSize = snapshot.adapter.size;
  loaded.tail = new MemoryIndex();
  loaded.tailFrom = loaded.end;
  ctx.counters.checkpoints++;
  removeAbandonedTemps(paths);
}

/**
 * Temp files (`STEM.*.tmp-PID-...`) left by a writer killed in the middle of
 * a checkpoint: removed once their process is gone.
 */
function removeAbandonedTemps(paths: StatePaths): void {
  let names: string[];
  try {
    names = fs.readdirSync(paths.dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = tempOwner(paths, name);
    if (pid === undefined) continue;
    let alive = pid === process.pid;
    if (!alive) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch (error) {
        alive = (error as NodeJS.ErrnoException).code !== 'ESRCH';
      }
    }
    if (!alive) {
      try {
        fs.unlinkSync(path.join(paths.dir, name));
      } catch {
        // Someone else removed it.
      }
    }
  }
}
