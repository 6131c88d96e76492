// Folding the journal into a new snapshot (a checkpoint), so the cost of
// opening follows the live state, not the length of history: the tail's keys
// go into STEM.index (fsynced before its header moves), then the snapshot is
// replaced. A long-lived writer (`oms serve`) folds less often, because a
// checkpoint stalls the commits queued behind it.

import fs from 'node:fs';
import path from 'node:path';
import { stateMode } from '../durable.js';
import { FileIndex, IndexDamage, MemoryIndex } from '../key-index.js';
import type { StatePaths } from '../paths.js';
import { snapshotOf, SNAPSHOT_SCHEMA } from '../snapshot.js';
import { abandonIndex } from './archive.js';
import type { FileContext, Loaded } from './context.js';

/** Journal bytes after the snapshot that trigger a checkpoint: past both minBytes and snapshotRatio × the snapshot. */
const POLICY = { minBytes: 64 * 1024, snapshotRatio: 0.5 };
const LONG_LIVED_POLICY = { minBytes: 1 << 20, snapshotRatio: 2 };

/** A failed checkpoint loses nothing (the journal has it all): say so and go on. */
export function checkpointQuietly(ctx: FileContext, loaded: Loaded): void {
  try {
    checkpoint(ctx, loaded, false);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    ctx.notice(`warning: could not fold the journal into the snapshot (${reason}); nothing is lost, it will be retried`);
  }
}

/** Folds the journal into the index and a new snapshot when it has grown enough (or always, with `force`). */
export function checkpoint(ctx: FileContext, loaded: Loaded, force: boolean): void {
  const { paths, snapshot } = ctx;
  const pending = loaded.end - loaded.snapshotOffset;
  const policy = ctx.options.longLived ? LONG_LIVED_POLICY : POLICY;
  const threshold = Math.max(policy.minBytes, loaded.snapshotSize * policy.snapshotRatio);
  if (!force && pending <= threshold && loaded.index) return;
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
  const base = path.basename(paths.stem);
  let names: string[];
  try {
    names = fs.readdirSync(paths.dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(base)) continue;
    const match = /\.tmp-(\d+)-[a-z0-9]+$/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
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
