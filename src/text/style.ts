// How text for people is to look: the colour scheme and whether tables get
// borders (a person at a terminal) or stay plain (grep and awk). The command
// line and prompt mode each say which; everything in src/text takes it.

import type { Theme } from './theme.js';

export interface TextStyle {
  readonly theme: Theme;
  /** Tables get borders only for a person at a terminal. */
  readonly decorated: boolean;
  /** The terminal's columns, which tables fit in; undefined when piped (no limit). */
  readonly width?: number | undefined;
}

/** Where text goes: stdout or stderr, or a stream a test reads. */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  /** A terminal's width. */
  columns?: number;
}

/** The width tables fit in on this stream: its columns on a terminal, no limit when piped. */
export function terminalWidth(out: OutputStream): number | undefined {
  // A pseudo-terminal nobody sized reports 0 columns: no limit then.
  return out.isTTY === true && out.columns !== undefined && out.columns > 0 ? out.columns : undefined;
}
