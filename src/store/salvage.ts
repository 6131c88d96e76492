// `oms doctor --salvage NEWPATH`: builds a new, healthy state from everything
// of a damaged one that still reads cleanly, and says what it left out. The
// original files are only read. The new journal holds the kept operations'
// lines byte for byte, so their op ids, trades and history carry over.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { OmsError } from '../core/errors.js';
import { Ledger, recordKeys } from '../core/ledger.js';
import { lineOfByte, walkJournal, type JournalWalk } from './doctor.js';
import { fsyncDir, ioError } from './durable.js';
import { encodeHeader, readHeader, scanJournal, type JournalHeader } from './journal.js';
import { FileIndex, MemoryIndex } from './key-index.js';
import { tempPathFor } from './paths.js';
import { openStateFile, readStateFile } from './safe-open.js';
import { parseSnapshot, restoreOrders, snapshotOf, SNAPSHOT_SCHEMA, writeSnapshot, type Snapshot } from './snapshot.js';
import { locateState } from './state-location.js';

export interface SalvageReport {
  from: string;
  to: string;
  /** Where the new state starts: the old journal's beginning, or the old snapshot. */
  base: 'journal' | 'snapshot';
  operations: number;
  liveOrders: number;
  lastOperation: number;
  leftOut: string[];
}

interface Candidate {
  base: 'journal' | 'snapshot';
  ledger: Ledger;
  baseSeq: number;
  /** The byte range of the old journal whose lines are kept. */
  from: number;
  to: number;
  seq: number;
  leftOut: string[];
}

function describeDamage(fd: number, walk: { damage: OmsError | undefined; end: number; size: number; tornBytes: number; seq: number }, file: string): string[] {
  if (walk.damage) {
    const byte = (walk.damage.details['byte'] as number | undefined) ?? walk.end;
    return [`${file} from byte ${walk.end} to its end (${walk.size - walk.end} bytes, damage at line ${lineOfByte(fd, byte)}): operations after ${walk.seq} are not in the new state (${walk.damage.message})`];
  }
  if (walk.tornBytes > 0) return [`an unfinished write of ${walk.tornBytes} bytes at the end of ${file} was discarded`];
  return [];
}

function fromJournal(fd: number, file: string, walk: JournalWalk): Candidate | undefined {
  if (walk.header.baseSeq !== 0) return undefined;
  return {
    base: 'journal',
    ledger: walk.ledger,
    baseSeq: 0,
    from: walk.headerLength,
    to: walk.end,
    seq: walk.seq,
    leftOut: describeDamage(fd, walk, file),
  };
}

function fromSnapshot(fd: number | undefined, file: string, snapshot: Snapshot, header: JournalHeader | undefined, snapshotFile: string): Candidate {
  const ledger = new Ledger(snapshot.convention, () => 'salvage', snapshot.counters);
  restoreOrders(ledger, snapshot, snapshotFile);
  const candidate: Candidate = {
    base: 'snapshot',
    ledger,
    baseSeq: snapshot.counters.seq,
    from: snapshot.journalOffset,
    to: snapshot.journalOffset,
    seq: snapshot.counters.seq,
    leftOut: [`the history before operation ${snapshot.counters.seq + 1} (op ids, trades, gone orders) is not carried over; the live orders come from the snapshot`],
  };
  if (fd === undefined || !header || header.id !== snapshot.journalId) {
    candidate.leftOut.push(`${file} is missing, unreadable or from another state: nothing after the snapshot is kept`);
    return candidate;
  }
  const size = fs.fstatSync(fd).size;
  let damage: OmsError | undefined;
  let tornBytes = 0;
  try {
    const scan = scanJournal(
      fd,
      file,
      snapshot.journalOffset,
      size,
      snapshot.counters.seq,
      (record) => {
        ledger.apply(record);
        ledger.counters.seq = record.seq;
      },
      (end, seq) => {
        candidate.to = end;
        candidate.seq = seq;
      },
    );
    tornBytes = scan.tornBytes;
  } catch (error) {
    if (!(error instanceof OmsError)) throw error;
    damage = error;
  }
  candidate.leftOut.push(...describeDamage(fd, { damage, end: candidate.to, size, tornBytes, seq: candidate.seq }, file));
  return candidate;
}

/** Writes the header then `length` bytes of `source` from `from`, durably, to `target`. */
function writeJournal(target: string, header: string, source: number | undefined, from: number, length: number): void {
  const temp = tempPathFor(target);
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeSync(fd, header);
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (let done = 0; source !== undefined && done < length; ) {
      const read = fs.readSync(source, buffer, 0, Math.min(buffer.length, length - done), from + done);
      if (read === 0) break;
      fs.writeSync(fd, buffer, 0, read);
      done += read;
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, target);
  fsyncDir(path.dirname(target));
}

export function salvage(location: string, newLocation: string): SalvageReport {
  const source = locateState(location);
  const target = locateState(newLocation);
  for (const file of [target.snapshot, target.journal]) {
    if (fs.existsSync(file)) throw new OmsError('INVALID_ARGUMENT', `salvage: ${file} already exists; give a new path`, { field: 'salvage', value: newLocation });
  }
  if (target.snapshot === source.snapshot) throw new OmsError('INVALID_ARGUMENT', 'salvage: the new path must differ from the state', { field: 'salvage', value: newLocation });

  let snapshot: Snapshot | undefined;
  const problems: string[] = [];
  try {
    snapshot = parseSnapshot(readStateFile(source.snapshot), source.snapshot);
  } catch (error) {
    problems.push(`the snapshot ${source.snapshot} is not used: ${(error as Error).message}`);
  }
  let fd: number | undefined;
  try {
    fd = openStateFile(source.journal);
  } catch {
    problems.push(`${source.journal} cannot be read`);
  }
  try {
    let header: JournalHeader | undefined;
    let fromStart: Candidate | undefined;
    if (fd !== undefined) {
      try {
        header = readHeader(fd, source.journal).header;
        fromStart = fromJournal(fd, source.journal, walkJournal(fd, source.journal));
      } catch (error) {
        problems.push(`${source.journal} cannot be replayed from its start: ${(error as Error).message}`);
      }
    }
    let fromSnap: Candidate | undefined;
    if (snapshot) {
      try {
        fromSnap = fromSnapshot(fd, source.journal, snapshot, header, source.snapshot);
      } catch (error) {
        problems.push(`the snapshot ${source.snapshot} is not used: ${(error as Error).message}`);
      }
    }
    const chosen = fromStart && (!fromSnap || fromStart.seq >= fromSnap.seq) ? fromStart : fromSnap;
    if (!chosen) {
      throw new OmsError('STATE_CORRUPT', `nothing of ${source.snapshot} can be salvaged: ${problems.join('; ')}`, { file: source.snapshot });
    }

    const convention = chosen.ledger.convention;
    const id = randomBytes(12).toString('hex');
    const headerText = encodeHeader({ oms: 'journal', schema: 1, id, convention, createdAt: new Date().toISOString(), baseSeq: chosen.baseSeq });
    const headerLength = Buffer.byteLength(headerText);
    const kept = chosen.to - chosen.from;
    try {
      writeJournal(target.journal, headerText, fd, chosen.from, kept);
    } catch (error) {
      throw ioError(error, target.journal, 'write');
    }
    const written = snapshotOf(chosen.ledger, { oms: 'state', schema: SNAPSHOT_SCHEMA, journalId: id, createdAt: new Date().toISOString(), journalOffset: headerLength + kept });
    writeSnapshot(target.snapshot, written, 0o600);

    const keys = new MemoryIndex();
    const newFd = fs.openSync(target.journal, 'r');
    try {
      scanJournal(newFd, target.journal, headerLength, headerLength + kept, chosen.baseSeq, (record, offset) => {
        for (const key of recordKeys(record)) keys.add(key, offset);
      });
    } finally {
      fs.closeSync(newFd);
    }
    FileIndex.create(target.index, id, keys.entries(), keys.size, { offset: headerLength + kept, seq: chosen.seq }, 0o600).close();

    return {
      from: source.snapshot,
      to: target.snapshot,
      base: chosen.base,
      operations: chosen.ledger.counters.operations,
      liveOrders: chosen.ledger.orderCount,
      lastOperation: chosen.seq,
      leftOut: [...problems, ...chosen.leftOut],
    };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
