// `oms doctor`: reads every part of a state without changing anything and
// says what it found. Unlike opening a state (which trusts what the snapshot
// already covers), it walks the whole journal, replays it from the start and
// compares the result with the snapshot, and checks every index entry, so
// damage anywhere is found and named by file and byte/line.

import fs from 'node:fs';
import { OmsError } from '../core/errors.js';
import { Ledger, recordKeys } from '../core/ledger.js';
import { corrupt, readHeader, scanCommitted, scanJournal, type JournalHeader } from './journal.js';
import { ioError } from './durable.js';
import { FileIndex } from './key-index.js';
import { lockProblem, readHolder } from './lock.js';
import type { StatePaths } from './paths.js';
import { openStateFile, readStateFile } from './safe-open.js';
import { locateState } from './state-location.js';
import { parseSnapshot, restoreOrders, snapshotOf, type Snapshot, type SnapshotDocument } from './snapshot.js';

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;

export type Severity = 'ok' | 'note' | 'damage';

export interface Finding {
  severity: Severity;
  part: 'snapshot' | 'journal' | 'index' | 'lock' | 'state';
  message: string;
  file?: string;
  byte?: number;
  line?: number;
}

export interface DoctorReport {
  state: string;
  healthy: boolean;
  findings: Finding[];
  operations: number;
  liveOrders: number;
}

const noOpId = (): string => 'doctor';

/** The journal as far as it reads cleanly from its start. */
export interface JournalWalk {
  header: JournalHeader;
  headerLength: number;
  size: number;
  /** Offset just past each complete transaction, with its sequence number. */
  boundaries: Map<number, number>;
  /** The state replayed from the journal's start up to `end`. */
  ledger: Ledger;
  end: number;
  seq: number;
  tornBytes: number;
  damage: OmsError | undefined;
  /** Operations replayed. */
  records: number;
}

function errorFinding(part: Finding['part'], error: unknown): Finding {
  if (error instanceof OmsError) {
    const { file, byte, line } = error.details as { file?: string; byte?: number; line?: number };
    return { severity: 'damage', part, message: error.message, ...(file ? { file } : {}), ...(byte !== undefined ? { byte } : {}), ...(line !== undefined ? { line } : {}) };
  }
  return { severity: 'damage', part, message: error instanceof Error ? error.message : String(error) };
}

/** Line number (1-based) of a byte offset in a file. */
export function lineOfByte(fd: number, byte: number): number {
  const buffer = Buffer.allocUnsafe(1 << 20);
  let line = 1;
  for (let position = 0; position < byte; ) {
    const read = fs.readSync(fd, buffer, 0, Math.min(buffer.length, byte - position), position);
    if (read === 0) break;
    for (let i = 0; i < read; i++) if (buffer[i] === 10) line++;
    position += read;
  }
  return line;
}

/**
 * Reads the journal from its header, replaying every complete transaction
 * into a fresh ledger, and stops at the first damage (which it returns rather
 * than throws). `until` stops early at an offset (a snapshot's).
 */
export function walkJournal(fd: number, file: string, until?: number): JournalWalk {
  const { header, length } = readHeader(fd, file);
  const size = fs.fstatSync(fd).size;
  const ledger = new Ledger(header.convention, noOpId);
  ledger.counters.seq = header.baseSeq;
  const boundaries = new Map<number, number>([[length, header.baseSeq]]);
  let end = length;
  let seq = header.baseSeq;
  let records = 0;
  let tornBytes = 0;
  let damage: OmsError | undefined;
  try {
    const scan = scanJournal(
      fd,
      file,
      length,
      until ?? size,
      header.baseSeq,
      (record, offset) => {
        try {
          ledger.apply(record);
        } catch (error) {
          throw corrupt(file, offset, `operation ${record.seq} does not apply to the state before it (${(error as Error).message})`);
        }
        ledger.counters.seq = record.seq;
        records++;
      },
      (offset, transaction) => {
        boundaries.set(offset, transaction);
        end = offset;
        seq = transaction;
      },
    );
    tornBytes = scan.tornBytes;
  } catch (error) {
    if (!(error instanceof OmsError)) throw error;
    damage = error;
  }
  return { header, headerLength: length, size, boundaries, ledger, end, seq, tornBytes, damage, records };
}

/** How a snapshot differs from a replay of the journal, if it does. */
export function sameState(a: Snapshot, replayed: SnapshotDocument): string | undefined {
  const b: Snapshot = { ...replayed, orders: [...replayed.orders] };
  if (a.convention !== b.convention) return `the convention is ${a.convention} in the snapshot but ${b.convention} in the journal`;
  for (const key of ['seq', 'nextTradeId', 'nextQuoteId', 'operations', 'trades', 'quotes'] as const) {
    if (a.counters[key] !== b.counters[key]) return `counter ${key} is ${a.counters[key]} in the snapshot but ${b.counters[key]} replaying the journal`;
  }
  const rows = (snapshot: Snapshot): string[] => snapshot.orders.map((row) => JSON.stringify([row[0], snapshot.symbols[row[1]], ...row.slice(2)]));
  const left = rows(a);
  const right = rows(b);
  if (left.length !== right.length) return `the snapshot has ${left.length} live orders but replaying the journal gives ${right.length}`;
  const differs = left.findIndex((row, i) => row !== right[i]);
  if (differs >= 0) return `order row ${differs + 1} of the snapshot (line ${differs + 2}) differs from replaying the journal`;
  return undefined;
}

function checkIndex(paths: StatePaths, fd: number, walk: JournalWalk, findings: Finding[]): void {
  const index = FileIndex.open(paths.index, walk.header.id, false);
  if (!index) {
    const exists = fs.existsSync(paths.index);
    findings.push({
      severity: 'note',
      part: 'index',
      file: paths.index,
      message: `${exists ? 'unusable (not an index of this journal)' : 'missing'}: the next write rebuilds it from the journal`,
    });
    return;
  }
  try {
    const covered = index.header.coveredOffset;
    if (!walk.boundaries.has(covered)) {
      findings.push({ severity: 'note', part: 'index', file: paths.index, message: `covers the journal up to byte ${covered}, which is not a transaction boundary: the next write rebuilds it` });
      return;
    }
    index.loadFully();
    let missing = 0;
    scanCommitted(fd, paths.journal, walk.headerLength, covered, walk.header.baseSeq, (record, offset) => {
      for (const key of recordKeys(record)) {
        const offsets: number[] = [];
        index.candidates(key, offsets);
        if (!offsets.includes(offset)) missing++;
      }
    });
    // Commands trust the index to find op ids: one that lost keys could let a replay run twice.
    if (missing > 0) {
      findings.push({
        severity: 'damage',
        part: 'index',
        file: paths.index,
        message: `${missing} keys are missing, so replays of those operations would not be recognised: delete ${paths.index} (it is rebuilt from the journal by the next command that writes) or salvage`,
      });
    }
    else findings.push({ severity: 'ok', part: 'index', file: paths.index, message: `${plural(index.header.count, 'key')}, up to date to byte ${covered}` });
  } finally {
    index.close();
  }
}

export function diagnose(location: string): DoctorReport {
  const paths = locateState(location);
  const findings: Finding[] = [];
  let snapshot: Snapshot | undefined;
  let snapshotLedger: Ledger | undefined;
  // The state as far as it reads: the journal replayed from its start when it can be.
  let reached: Ledger | undefined;
  const report = (): DoctorReport => ({
    state: paths.snapshot,
    healthy: !findings.some((finding) => finding.severity === 'damage'),
    findings,
    operations: (reached ?? snapshotLedger)?.counters.operations ?? 0,
    liveOrders: (reached ?? snapshotLedger)?.orderCount ?? 0,
  });

  const snapshotExists = fs.existsSync(paths.snapshot);
  const journalExists = fs.existsSync(paths.journal);
  if (!snapshotExists && !journalExists) {
    findings.push({ severity: 'note', part: 'state', message: `no state at ${paths.snapshot}: nothing to check` });
    return report();
  }

  if (snapshotExists) {
    try {
      snapshot = parseSnapshot(readStateFile(paths.snapshot), paths.snapshot);
      snapshotLedger = new Ledger(snapshot.convention, noOpId, snapshot.counters);
      restoreOrders(snapshotLedger, snapshot, paths.snapshot);
      findings.push({ severity: 'ok', part: 'snapshot', file: paths.snapshot, message: `schema ${snapshot.schema}, ${plural(snapshot.orders.length, 'live order')} in the snapshot as of operation ${snapshot.counters.seq} (the journal holds what came after)` });
      if (snapshot.sha256 === undefined) {
        findings.push({ severity: 'note', part: 'snapshot', file: paths.snapshot, message: 'no checksum (written before checksums): it is checked against the journal on every open until the next write adds one' });
      }
    } catch (error) {
      snapshot = undefined;
      snapshotLedger = undefined;
      findings.push(errorFinding('snapshot', error instanceof OmsError ? error : ioError(error, paths.snapshot, 'read')));
    }
  } else {
    findings.push({ severity: 'damage', part: 'snapshot', file: paths.snapshot, message: `${paths.snapshot} is missing but ${paths.journal} exists` });
  }

  if (!journalExists) {
    findings.push({ severity: 'damage', part: 'journal', file: paths.journal, message: `${paths.journal} is missing` });
    return report();
  }
  let fd: number;
  try {
    fd = openStateFile(paths.journal);
  } catch (error) {
    findings.push(errorFinding('journal', ioError(error, paths.journal, 'open')));
    return report();
  }
  try {
    let walk: JournalWalk;
    try {
      walk = walkJournal(fd, paths.journal);
    } catch (error) {
      findings.push(errorFinding('journal', error));
      return report();
    }
    if (walk.header.baseSeq === 0) reached = walk.ledger;
    if (walk.damage) {
      const finding = errorFinding('journal', walk.damage);
      if (finding.byte !== undefined) finding.line = lineOfByte(fd, finding.byte);
      finding.message += `; ${plural(walk.records, 'operation')} before it read cleanly`;
      findings.push(finding);
    } else {
      findings.push({ severity: 'ok', part: 'journal', file: paths.journal, message: `${plural(walk.records, 'operation')}, up to operation ${walk.seq}, ${walk.end} bytes` });
    }
    if (walk.tornBytes > 0 && !walk.damage) {
      findings.push({
        severity: 'note',
        part: 'journal',
        file: paths.journal,
        byte: walk.end,
        message: `${walk.tornBytes} bytes at the end are an unfinished write (a crash, or a write in progress): the next writer discards them`,
      });
    }
    if (snapshot && snapshotLedger) {
      if (snapshot.convention !== walk.header.convention) {
        findings.push({ severity: 'damage', part: 'snapshot', file: paths.snapshot, message: `the snapshot's convention is ${snapshot.convention} but the journal's is ${walk.header.convention}` });
      } else if (snapshot.journalId !== walk.header.id) {
        findings.push({ severity: 'damage', part: 'state', message: `the snapshot belongs to journal ${snapshot.journalId} but ${paths.journal} is journal ${walk.header.id}` });
      } else if (walk.boundaries.get(snapshot.journalOffset) !== snapshot.counters.seq) {
        const readable = snapshot.journalOffset <= walk.end;
        findings.push({
          severity: 'damage',
          part: 'state',
          message: readable
            ? `the snapshot says it covers the journal up to byte ${snapshot.journalOffset} (operation ${snapshot.counters.seq}), which does not match the journal`
            : `the snapshot covers the journal up to byte ${snapshot.journalOffset}, past the last readable operation (byte ${walk.end})`,
        });
      } else if (walk.header.baseSeq === 0) {
        const replayed = walkJournal(fd, paths.journal, snapshot.journalOffset);
        const disagreement = sameState(snapshot, snapshotOf(replayed.ledger, snapshot));
        if (disagreement) findings.push({ severity: 'damage', part: 'snapshot', file: paths.snapshot, message: disagreement });
        else findings.push({ severity: 'ok', part: 'state', message: 'the snapshot matches a replay of the journal from its start' });
      }
    }
    checkIndex(paths, fd, walk, findings);
  } finally {
    fs.closeSync(fd);
  }

  const lockIssue = lockProblem(paths.lock);
  if (lockIssue) findings.push({ severity: 'note', part: 'lock', file: paths.lock, message: lockIssue });
  const holder = readHolder(paths.lock);
  if (holder) findings.push({ severity: 'note', part: 'lock', file: paths.lock, message: `held by pid ${holder.pid} on ${holder.host} ("${holder.command}") since ${holder.since}` });
  return report();
}
