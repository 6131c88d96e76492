// What is wrong with an import file, as SPEC §4 reports it: every problem is
// counted, the first 100 are kept with the file and the physical line where
// their record starts, so a file with a million bad rows still reports in
// bounded memory and ends as one CSV_INVALID error (exit 6).

import { OmsError, type Problem } from '../core/errors.js';
import { clip, escapeControls } from '../core/text.js';

export const MAX_PROBLEMS = 100;
/** Characters kept of a problem's field and message: a hostile cell cannot make a report huge. */
export const MAX_FIELD_CHARS = 64;
export const MAX_MESSAGE_CHARS = 300;

/** A problem before it is placed in a file: the column (or `header`, `csv`, `file`, `row`) and what is wrong. */
export interface CellProblem {
  field: string;
  message: string;
}

export class ProblemList {
  readonly kept: Problem[] = [];
  count = 0;

  constructor(readonly file: string) {}

  add(line: number, field: string, message: string): void {
    this.count++;
    if (this.kept.length < MAX_PROBLEMS) {
      this.kept.push({ file: this.file, line, field: clip(escapeControls(field), MAX_FIELD_CHARS), message: clip(escapeControls(message), MAX_MESSAGE_CHARS) });
    }
  }

  /** How many were counted beyond those kept. */
  get more(): number {
    return this.count - this.kept.length;
  }

  /** The exit-6 error carrying every kept problem. */
  error(message: string): OmsError {
    return new OmsError('CSV_INVALID', message, { problems: this.kept, moreProblems: this.more });
  }

  /** Adds a problem that ends the import (the rest of the file cannot be read) and returns the error. */
  fatal(line: number, field: string, message: string): OmsError {
    this.add(line, field, message);
    return this.error(`${this.file}:${line}: ${field}: ${message}; nothing was imported`);
  }
}

/** One line of text: the file name is the only part not already escaped. */
export function formatProblem(problem: Problem): string {
  return `${escapeControls(problem.file)}:${problem.line}: ${problem.field}: ${problem.message}`;
}
