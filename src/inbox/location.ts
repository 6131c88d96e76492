// What the inbox needs of the place files are dropped in, so one loop serves a
// directory and an S3 prefix alike (SPEC §11): the files that are complete,
// each with a version that changes whenever its content may have; their
// bytes; and moving a file out once it is settled.

import type { Problem } from '../core/errors.js';
import type { ByteSource } from '../import/input.js';

export interface InboxFile {
  /** The file's name within the inbox (its key less the prefix). */
  name: string;
  /** How logs and problems name it: its path, or its s3:// URL. */
  label: string;
  /** ETag (S3), or size and mtime (a directory): a new version is a new file. */
  version: string;
  size: number;
}

export interface OpenFile extends ByteSource {
  close(): void;
}

export type Folder = 'done' | 'rejected';

export interface InboxLocation {
  /** The inbox as given, for logs. */
  readonly label: string;
  /** The .csv files ready to import, by name; throws SOURCE_UNAVAILABLE if the inbox cannot be listed. */
  list(): Promise<InboxFile[]>;
  /** The file's bytes, or undefined if it changed since it was listed (it is seen again next poll). */
  open(file: InboxFile, signal: AbortSignal): Promise<OpenFile | undefined>;
  /**
   * Moves the file into done/ or rejected/ (with NAME.problems.json beside it)
   * and says where it went; undefined if it is gone or changed meanwhile.
   */
  settle(file: InboxFile, folder: Folder, problems?: Problem[]): Promise<string | undefined>;
  close(): void;
}

/** Files the inbox imports: *.csv in any case, not hidden (a dot-file is an upload in progress by convention). */
export function isInboxFile(name: string): boolean {
  return !name.startsWith('.') && name.toLowerCase().endsWith('.csv');
}

/** `stem.csv` → `stem.N.csv`: a free name when done/ or rejected/ already holds another file of that name. */
export function numberedName(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}.${n}${name.slice(dot)}`;
}

export function problemsJson(problems: Problem[]): string {
  return `${JSON.stringify(problems, null, 2)}\n`;
}
