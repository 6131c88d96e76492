// How text for people is to look: the colour scheme and whether tables get
// borders (a person at a terminal) or stay plain (grep and awk). The command
// line and prompt mode each say which; everything in src/text takes it.

import type { Theme } from './theme.js';

export interface TextStyle {
  readonly theme: Theme;
  /** Tables get borders only for a person at a terminal. */
  readonly decorated: boolean;
}

/** Where text goes: stdout or stderr, or a stream a test reads. */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}
