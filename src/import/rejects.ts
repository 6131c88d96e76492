// The rows --continue-on-error could not apply, as a CSV that imports as it
// is once fixed (SPEC §4): the input's own columns, delimiter and BOM, plus
// op_id, holding the id the row was tried under (so a fixed row applied from
// here is recognised as that row if the original file is imported again), and
// error, what was wrong and on which line of the original (import ignores
// it). Cells a spreadsheet would run as formulas are protected as export
// does. Written beside the target and renamed into place only once the
// import has committed, so a failed import leaves no half-written file.

import fs from 'node:fs';
import { OmsError } from '../core/errors.js';
import { csvLine, protectText, unprotectText } from './cells.js';
import { ERROR_COLUMN, type Header } from './columns.js';
import type { Delimiter } from './dialect.js';

const FLUSH_CHARS = 1 << 16;

export class RejectsFile {
  /** Rows written so far. */
  rows = 0;
  private pending = '';
  private readonly kept: number[];
  private readonly textColumns: Set<number>;
  private readonly opIdAt: number;

  private constructor(
    readonly file: string,
    private readonly temp: string,
    private fd: number,
    header: Header,
    private readonly delimiter: Delimiter,
    bom: boolean,
  ) {
    this.kept = header.names.map((_name, at) => at).filter((at) => at !== header.errorColumn);
    this.textColumns = new Set([header.at.source, header.at.client, header.at.op_id].filter((at) => at >= 0));
    this.opIdAt = header.at.op_id;
    const names = this.kept.map((at) => header.names[at] ?? '');
    if (this.opIdAt < 0) names.push('op_id');
    this.write(`${bom ? '\uFEFF' : ''}${csvLine([...names, ERROR_COLUMN], delimiter)}`);
  }

  static open(file: string, header: Header, delimiter: Delimiter, bom: boolean): RejectsFile {
    const temp = `${file}.${process.pid}.tmp`;
    let fd: number;
    try {
      fd = fs.openSync(temp, 'w', 0o644);
    } catch (error) {
      throw cannotWrite(file, error);
    }
    return new RejectsFile(file, temp, fd, header, delimiter, bom);
  }

  /** One rejected row: its cells as read, the op id it was tried under, and why it failed. */
  add(cells: string[], opId: string | undefined, error: string): void {
    const out = this.kept.map((at) => {
      const cell = cells[at] ?? '';
      if (at === this.opIdAt && cell === '' && opId !== undefined) return opId;
      return this.textColumns.has(at) ? protectText(unprotectText(cell)) : protectText(cell);
    });
    if (this.opIdAt < 0) out.push(opId === undefined ? '' : protectText(opId));
    out.push(protectText(error));
    this.write(csvLine(out, this.delimiter));
    this.rows++;
  }

  /** Puts the file in place. */
  commit(): void {
    try {
      this.flush();
      fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
      this.fd = -1;
      fs.renameSync(this.temp, this.file);
    } catch (error) {
      this.discard();
      throw cannotWrite(this.file, error);
    }
  }

  discard(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
    fs.rmSync(this.temp, { force: true });
  }

  private write(text: string): void {
    this.pending += text;
    if (this.pending.length >= FLUSH_CHARS) this.flush();
  }

  private flush(): void {
    try {
      fs.writeSync(this.fd, this.pending);
    } catch (error) {
      throw cannotWrite(this.file, error);
    }
    this.pending = '';
  }
}

function cannotWrite(file: string, error: unknown): OmsError {
  return new OmsError('INVALID_ARGUMENT', `rejects: cannot write ${JSON.stringify(file)}: ${(error as Error).message}`, { field: 'rejects', value: file });
}
