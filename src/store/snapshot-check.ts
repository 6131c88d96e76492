// Before a snapshot is built upon, it must agree with the journal it claims
// to cover: the same convention, and the operation just before its offset
// must be the one its `seq` names (a lowered seq would make the next write
// reuse a sequence number, damaging the journal for good). A snapshot with a
// checksum (snapshot.ts) is otherwise trusted; one without (written before
// checksums, or with it taken out) is compared with a replay of the journal
// from its start, as `oms doctor` does, until the next write rewrites it with
// a checksum.

import fs from 'node:fs';
import { OmsError } from '../core/errors.js';
import type { Ledger } from '../core/ledger.js';
import { sameState, walkJournal } from './doctor.js';
import type { JournalHeader } from './journal.js';
import { snapshotOf, type SnapshotDocument } from './snapshot.js';

export interface SnapshotCheck {
  fd: number;
  journal: string;
  header: JournalHeader;
  headerLength: number;
  /** The snapshot file, for messages. */
  file: string;
  snapshot: SnapshotDocument;
  /** The snapshot restored (its rows read, so its checksum, if any, was checked). */
  ledger: Ledger;
}

function disagrees(file: string, problem: string): OmsError {
  return new OmsError(
    'STATE_CORRUPT',
    `${file}: ${problem}; the snapshot disagrees with the journal (changed by hand?) and is not used: run oms doctor, or oms doctor --salvage NEWPATH`,
    { file },
  );
}

/** How far back the line before a snapshot's offset is looked for: opening must not read history. */
const LOOK_BACK = 1 << 20;

/**
 * What the journal says about the transaction that ends just before
 * `offset`: its sequence number, 'none' if no transaction ends there, or
 * 'unknown' if that line cannot be read cheaply (very long, or damaged:
 * damage before the snapshot is for lookups and `oms doctor` to report).
 */
export function seqBefore(fd: number, headerLength: number, baseSeq: number, offset: number): number | 'none' | 'unknown' {
  if (offset === headerLength) return baseSeq;
  if (offset < headerLength) return 'none';
  const size = Math.min(LOOK_BACK, offset - headerLength);
  const block = Buffer.alloc(size);
  let read = 0;
  while (read < size) {
    const got = fs.readSync(fd, block, read, size - read, offset - size + read);
    if (got === 0) break;
    read += got;
  }
  if (read < size || block[size - 1] !== 10) return 'none';
  const start = block.lastIndexOf(10, size - 2) + 1;
  if (start === 0 && size < offset - headerLength) return 'unknown';
  let record: { seq?: unknown; in?: unknown; end?: unknown };
  try {
    record = JSON.parse(block.toString('utf8', start, size - 1)) as typeof record;
  } catch {
    return 'unknown';
  }
  if (record.in !== undefined) return 'none';
  return Number.isSafeInteger(record.seq) ? (record.seq as number) : 'unknown';
}

export function checkSnapshot(check: SnapshotCheck): void {
  const { snapshot, header, file } = check;
  if (snapshot.convention !== header.convention) {
    throw disagrees(file, `its convention is ${snapshot.convention} but the journal's is ${header.convention}`);
  }
  const seq = seqBefore(check.fd, check.headerLength, header.baseSeq, snapshot.journalOffset);
  if (seq !== 'unknown' && seq !== snapshot.counters.seq) {
    throw disagrees(
      file,
      seq === 'none'
        ? `it covers the journal up to byte ${snapshot.journalOffset}, which is not the end of an operation`
        : `it says it covers up to operation ${snapshot.counters.seq}, but the journal at byte ${snapshot.journalOffset} follows operation ${seq}`,
    );
  }
  if (snapshot.sha256 !== undefined || header.baseSeq !== 0) return;
  const replayed = walkJournal(check.fd, check.journal, snapshot.journalOffset);
  if (replayed.damage) throw replayed.damage;
  const restored = snapshotOf(check.ledger, snapshot);
  const difference = sameState({ ...restored, orders: [...restored.orders] }, snapshotOf(replayed.ledger, snapshot));
  if (difference) throw disagrees(file, difference);
}

