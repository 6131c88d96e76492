// Where the prompts run: the injected input and output streams (so a test can
// drive the real prompts without a terminal), Esc and Ctrl-C at a question
// turned into "back to the menu", Ctrl-C at the menu and SIGINT/SIGTERM into
// INTERRUPTED. @inquirer/prompts is handed in by the caller, which loads it.

import { Writable } from 'node:stream';
import { OmsError } from '../core/errors.js';
import type { OutputStream } from '../text/style.js';
import type { Theme } from '../text/theme.js';

type Prompts = typeof import('@inquirer/prompts');
type PromptContext = NonNullable<Parameters<Prompts['input']>[1]>;

export interface Choice<T> {
  value: T;
  name: string;
  description?: string;
  short?: string;
}

export interface SelectQuestion<T> {
  message: string;
  choices: Choice<T>[];
  default?: T;
  pageSize?: number;
}

export interface SearchQuestion<T> {
  message: string;
  source: (term: string | undefined) => Choice<T>[];
  validate?: (value: T) => true | string;
  pageSize?: number;
}

export interface InputQuestion {
  message: string;
  default?: string;
  validate: (value: string) => true | string | Promise<true | string>;
}

export interface ConfirmQuestion {
  message: string;
  default: boolean;
}

export type CancelKey = 'Esc' | 'Ctrl-C' | 'Ctrl-D';

/** A question left with Esc, Ctrl-C or Ctrl-D: the action is dropped, the menu comes back. */
export class PromptCancelled extends Error {
  override readonly name = 'PromptCancelled';

  constructor(readonly key: CancelKey) {
    super(`cancelled with ${key}`);
  }
}

interface Keypress {
  name?: string;
  ctrl?: boolean;
}

/** The input side: a TTY in production, a stream a test writes keystrokes to. */
export type PromptInput = NodeJS.ReadableStream;

/**
 * What a prompt writes to. A fresh one per prompt, because a prompt ends its
 * output stream when it is done and the terminal must outlive it.
 */
class PromptOutput extends Writable {
  constructor(private readonly target: OutputStream) {
    super({ decodeStrings: false });
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.target.write(chunk.toString());
    callback();
  }

  /** Prompts wrap their lines to the terminal's width. */
  get columns(): number {
    return (this.target as { columns?: number }).columns ?? 80;
  }
}

/** The prompts' colours from the CLI's scheme, so --no-color and NO_COLOR hold here too. */
function promptTheme(theme: Theme): object {
  return {
    prefix: { idle: theme.heading('?'), done: theme.good('✔') },
    style: {
      answer: (text: string) => theme.good(text),
      message: (text: string) => theme.heading(text),
      error: (text: string) => theme.bad(`> ${text}`),
      defaultAnswer: (text: string) => theme.dim(`(${text})`),
      help: (text: string) => theme.dim(text),
      highlight: (text: string) => theme.heading(text),
      key: (text: string) => theme.heading(`<${text}>`),
      description: (text: string) => theme.dim(text),
      searchTerm: (text: string) => text,
      disabled: (text: string) => theme.dim(`- ${text}`),
      keysHelpTip: (keys: [string, string][]) => theme.dim(keys.map(([key, action]) => `${key} ${action}`).join(' • ')),
    },
  };
}

function interrupted(): OmsError {
  return new OmsError('INTERRUPTED', 'left interactive mode (interrupted)');
}

export class Terminal {
  private readonly theme: object;

  constructor(
    private readonly prompts: Prompts,
    /** Where keystrokes come from. */
    private readonly keys: PromptInput,
    private readonly output: OutputStream,
    /** Aborted when SIGINT/SIGTERM arrives: every prompt stops and the session ends. */
    private readonly signal: AbortSignal,
    theme: Theme,
  ) {
    this.theme = promptTheme(theme);
  }

  /** Writes a line where the prompts are (not a result: results go to stdout). */
  say(text: string): void {
    this.output.write(`${text}\n`);
  }

  /**
   * The main menu: Esc does nothing there, Ctrl-C leaves (INTERRUPTED, exit
   * 130), Ctrl-D (end of input) leaves normally and gives undefined.
   */
  async menu<T>(question: SelectQuestion<T>): Promise<T | undefined> {
    try {
      return await this.ask((context) => this.prompts.select<T>({ ...question, theme: this.theme }, context), false);
    } catch (error) {
      if (!(error instanceof PromptCancelled)) throw error;
      if (error.key === 'Ctrl-D') return undefined;
      throw new OmsError('INTERRUPTED', 'left interactive mode (Ctrl-C)');
    }
  }

  select<T>(question: SelectQuestion<T>): Promise<T> {
    return this.ask((context) => this.prompts.select<T>({ ...question, theme: this.theme }, context), true);
  }

  search<T>(question: SearchQuestion<T>): Promise<T> {
    return this.ask((context) => this.prompts.search<T>({ ...question, theme: this.theme }, context), true);
  }

  input(question: InputQuestion): Promise<string> {
    return this.ask((context) => this.prompts.input({ ...question, theme: this.theme }, context), true);
  }

  confirm(question: ConfirmQuestion): Promise<boolean> {
    return this.ask((context) => this.prompts.confirm({ ...question, theme: this.theme }, context), true);
  }

  private async ask<T>(prompt: (context: PromptContext) => Promise<T>, escapable: boolean): Promise<T> {
    if (this.signal.aborted) throw interrupted();
    const cancel = new AbortController();
    // Ctrl-D on an empty line closes the prompt's readline without settling
    // the prompt, so it is turned into a cancellation here; Esc is not a key
    // inquirer acts on at all.
    const onKeypress = (_text: unknown, key: Keypress | undefined): void => {
      if (key?.ctrl === true && key.name === 'd') cancel.abort('Ctrl-D');
      else if (escapable && key?.name === 'escape') cancel.abort('Esc');
    };
    // The menu's select takes any key it does not know (Esc among them) as
    // the start of a search for a name, and an empty search matches the first
    // entry: Esc there must keep the cursor where it is. Key events are one
    // object for every listener, so running first and calling Esc a backspace
    // (which the select reads as "clear the search") does that.
    const keepPlace = (_text: unknown, key: Keypress | undefined): void => {
      if (key?.name === 'escape') key.name = 'backspace';
    };
    if (!escapable) this.keys.prependListener('keypress', keepPlace);
    const answer = prompt({
      input: this.keys,
      output: new PromptOutput(this.output),
      signal: AbortSignal.any([this.signal, cancel.signal]),
      clearPromptOnDone: false,
    });
    // Listening from the next turn, as the prompt itself does, lets keys typed
    // while nothing was asked (during a commit) pass by instead of cancelling.
    const listen = setImmediate(() => this.keys.on('keypress', onKeypress));
    try {
      return await answer;
    } catch (error) {
      if (this.signal.aborted) throw interrupted();
      if (cancel.signal.aborted) throw new PromptCancelled(cancel.signal.reason as CancelKey);
      // Ctrl-C reaches the prompt as a keystroke (raw mode), not as a signal.
      if (error instanceof Error && error.name === 'ExitPromptError') throw new PromptCancelled('Ctrl-C');
      throw error;
    } finally {
      clearImmediate(listen);
      this.keys.removeListener('keypress', onKeypress);
      this.keys.removeListener('keypress', keepPlace);
    }
  }
}
