// `oms copy` to and from a file state. Reading takes the journal from its
// first operation (a state salvaged from a snapshot has no history before
// its base and cannot be copied whole). Writing lays a new state out as its
// creation does, journal first, with every copied operation in the journal
// and an empty snapshot before them, so the first open replays them and the
// first write folds them into a snapshot and an index.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { OmsError } from '../../core/errors.js';
import type { OperationRecord } from '../../core/ledger.js';
import { ioError, replaceFile } from '../durable.js';
import { encodeHeader, encodeRecord, readHeader, scanJournal, type JournalHeader } from '../journal.js';
import { WriterLock } from '../lock.js';
import { statePaths } from '../paths.js';
import { replayDump, type StateDump } from '../replay.js';
import { openSnapshot, snapshotOf, SNAPSHOT_SCHEMA } from '../snapshot.js';
import { emptyLedger } from './open.js';

/** The file state at `location` as a dump; undefined when there is none. */
export function dumpFile(location: string): StateDump | undefined {
  const paths = statePaths(location);
  if (!fs.existsSync(paths.snapshot)) return undefined;
  let fd: number;
  try {
    fd = fs.openSync(paths.journal, 'r');
  } catch (error) {
    throw ioError(error, paths.journal, 'read');
  }
  try {
    const { header, length } = readHeader(fd, paths.journal);
    if (header.baseSeq !== 0) {
      throw new OmsError(
        'INVALID_ARGUMENT',
        `${paths.snapshot} keeps no history before operation ${header.baseSeq + 1} (it was salvaged from a snapshot), so it cannot be copied with its history`,
        { field: 'from', value: paths.snapshot },
      );
    }
    const records: OperationRecord[] = [];
    // An unfinished write at the end is not part of the state (as for any reader).
    scanJournal(fd, paths.journal, length, fs.fstatSync(fd).size, 0, (record) => records.push(record));
    return {
      convention: header.convention,
      createdAt: header.createdAt,
      records: (async function* () {
        yield* records;
      })(),
    };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Writes `dump` as a new file state at `location`, which must not exist yet
 * (or hold no operation). Returns the number of operations written.
 */
export async function loadFile(location: string, dump: StateDump, options: { waitTimeoutMs: number; command: string }): Promise<number> {
  const paths = statePaths(location);
  const lock = await WriterLock.acquire(paths.lock, { timeoutMs: options.waitTimeoutMs, command: options.command, mode: 0o600 });
  try {
    if (fs.existsSync(paths.snapshot) || fs.existsSync(paths.journal)) {
      const size = fs.existsSync(paths.journal) ? fs.statSync(paths.journal).size : 0;
      const fd = size > 0 ? fs.openSync(paths.journal, 'r') : undefined;
      const empty = fd === undefined || (() => {
        try {
          return readHeader(fd, paths.journal).length === size;
        } finally {
          fs.closeSync(fd);
        }
      })();
      if (!empty) throw new OmsError('INVALID_ARGUMENT', `${paths.snapshot} already holds operations: copy only into an empty state`, { field: 'to', value: paths.snapshot });
    }
    const ledger = emptyLedger(dump.convention);
    const id = randomBytes(12).toString('hex');
    const header: JournalHeader = { oms: 'journal', schema: 1, id, convention: dump.convention, createdAt: dump.createdAt, baseSeq: 0 };
    const headerText = encodeHeader(header);
    const lines = [headerText];
    for await (const { record } of replayDump(dump, ledger)) lines.push(encodeRecord(record, false));
    replaceFile(paths.journal, lines, 0o600);
    const snapshot = openSnapshot(paths.snapshot, () => 0o600);
    snapshot.db.data = snapshotOf(emptyLedger(dump.convention), {
      oms: 'state',
      schema: SNAPSHOT_SCHEMA,
      journalId: id,
      createdAt: dump.createdAt,
      journalOffset: Buffer.byteLength(headerText),
    });
    snapshot.db.write();
    return ledger.counters.operations;
  } finally {
    lock.release();
  }
}
