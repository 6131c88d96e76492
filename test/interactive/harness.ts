// A terminal for driving the prompt mode in process: keystrokes are written
// as the raw bytes a terminal sends (Node's readline decodes them, as it does
// on a TTY), and what the prompts and results print is read back as text.
// The session runs on a real FileStore over a temp state.

import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { CliContext, type GlobalOptions, type Io } from '../../src/cli/context.js';
import { runInteractive } from '../../src/cli/commands/interactive.js';
import { startPace } from '../pace.js';

/**
 * How long a wait for the screen or for the session's end may take before it
 * is deemed hung: a count of typical commands at this machine's pace, since a
 * step of the session does about what one command does.
 */
const STEP_GUARD_MS = startPace().commands(30);

export const KEY = {
  enter: '\r',
  up: '\x1b[A',
  down: '\x1b[B',
  esc: '\x1b',
  ctrlC: '\x03',
  ctrlD: '\x04',
  /** Deletes the line typed so far. */
  ctrlU: '\x15',
} as const;

// readline turns off line editing for TERM=dumb, which some CI shells set.
if (process.env['TERM'] === 'dumb' || process.env['TERM'] === undefined) process.env['TERM'] = 'xterm-256color';

class Capture {
  text = '';
  isTTY: boolean;
  columns = 120;

  constructor(
    isTTY: boolean,
    private readonly transcript: { text: string },
  ) {
    this.isTTY = isTTY;
  }

  write(chunk: string): boolean {
    this.text += chunk;
    this.transcript.text += chunk;
    return true;
  }
}

export interface TerminalOptions {
  stdinTTY?: boolean;
  stdoutTTY?: boolean;
  stderrTTY?: boolean;
  env?: NodeJS.ProcessEnv;
}

export class FakeTerminal {
  readonly keys: PassThrough & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  /** Everything printed, stdout and stderr interleaved as written. */
  private readonly transcript = { text: '' };
  readonly stdout: Capture;
  readonly stderr: Capture;
  readonly controller = new AbortController();
  private seen = 0;
  private readonly env: NodeJS.ProcessEnv;

  constructor(options: TerminalOptions = {}) {
    this.keys = new PassThrough();
    if (options.stdinTTY !== false) {
      this.keys.isTTY = true;
      this.keys.setRawMode = () => this.keys;
    }
    this.stdout = new Capture(options.stdoutTTY !== false, this.transcript);
    this.stderr = new Capture(options.stderrTTY !== false, this.transcript);
    this.env = { NO_COLOR: '1', ...options.env };
  }

  get io(): Io {
    return { stdin: this.keys, stdout: this.stdout, stderr: this.stderr, env: this.env };
  }

  context(globals: GlobalOptions): Promise<CliContext> {
    return CliContext.create(this.io, globals, 'oms interactive', this.controller.signal);
  }

  /** Starts `oms interactive` on this terminal; `done` settles when the session ends. */
  async start(globals: GlobalOptions): Promise<{ ctx: CliContext; done: Promise<unknown> }> {
    const ctx = await this.context(globals);
    const done = runInteractive({}, ctx).finally(() => ctx.close());
    // Whoever awaits it sees the outcome; this keeps an early failure from being unhandled.
    done.catch(() => undefined);
    return { ctx, done };
  }

  /** The transcript as a person would read it (no colours or cursor codes). */
  screen(): string {
    return stripVTControlCharacters(this.transcript.text);
  }

  /**
   * Waits until `text` appears after what earlier waits matched, and moves
   * past it. Fails with the end of the transcript if it does not come.
   */
  async waitFor(text: string, timeoutMs = STEP_GUARD_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen();
      const at = screen.indexOf(text, this.seen);
      if (at >= 0) {
        this.seen = at + text.length;
        return;
      }
      if (Date.now() > deadline) {
        throw new Error(`waited for ${JSON.stringify(text)}; the terminal shows (after what was matched):\n${screen.slice(this.seen).slice(-3000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Text printed since the last match, for asserting that something did not appear. */
  sinceLastMatch(): string {
    return this.screen().slice(this.seen);
  }

  press(...keys: string[]): void {
    for (const key of keys) this.keys.write(key);
  }

  /** Waits for a question, then types an answer and Enter. */
  async answer(question: string, typed: string): Promise<void> {
    await this.waitFor(question);
    this.press(typed, KEY.enter);
  }

  /**
   * A search question: types, waits until `offered` is listed (the list is
   * refreshed after each keystroke), then takes the highlighted choice.
   */
  async choose(question: string, typed: string, offered: string): Promise<void> {
    await this.waitFor(question);
    this.press(typed);
    await this.waitFor(offered);
    this.press(KEY.enter);
  }

  /** Picks a menu entry by typing its name. */
  async menu(entry: string): Promise<void> {
    await this.waitFor('What next?');
    this.press(entry, KEY.enter);
  }

  /** Waits for the session to end, failing (not hanging) if it does not. */
  async ended(done: Promise<unknown>, timeoutMs = STEP_GUARD_MS): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the session did not end; the terminal shows:\n${this.screen().slice(-3000)}`)), timeoutMs);
    });
    try {
      return await Promise.race([done, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}
