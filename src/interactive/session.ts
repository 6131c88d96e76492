// What every prompt-mode action works with: the application (the same
// operations and queries as the subcommands), how text looks, the streams,
// the terminal the questions are asked on, and the one way to commit and to
// show a result or a rejection, so actions stay small.

import type { Oms } from '../app/oms.js';
import type { Command } from '../core/commands.js';
import type { OmsError } from '../core/errors.js';
import type { Outcome } from '../core/ledger.js';
import type { StateView } from '../store/store.js';
import type { OutputStream, TextStyle } from '../text/style.js';
import { print, type Printable } from '../text/print.js';
import type { Terminal } from './terminal.js';

/** What the caller (the command line) hands prompt mode. */
export interface SessionContext extends TextStyle {
  readonly io: { stdout: OutputStream; stderr: OutputStream };
  /** Aborted on SIGINT/SIGTERM: the session ends. */
  readonly signal: AbortSignal;
  app(): Promise<Oms>;
  /** A notice (a replay, a no-op) where notices go, unless --quiet. */
  notice(message: string): void;
}

export class Session {
  constructor(
    readonly ctx: SessionContext,
    readonly term: Terminal,
  ) {}

  /** The latest committed state; undefined before the first change creates it. */
  async view(): Promise<StateView | undefined> {
    return (await this.ctx.app()).view();
  }

  /** One ordinary operation: the same application, journal and rules as the subcommands. */
  async commit(command: Command): Promise<Outcome> {
    const outcome = await (await this.ctx.app()).execute(command);
    if (outcome.notice) this.ctx.notice(outcome.notice);
    return outcome;
  }

  /** A result, on stdout like a subcommand's. */
  show(text: string): void {
    if (text !== '') this.ctx.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A list, which may be long: printed as it is rendered, stopped by a signal. */
  print(text: Printable): Promise<void> {
    return print(this.ctx.io.stdout, text, this.ctx.signal);
  }

  /** A rejection, shown inline where the prompts are; the menu goes on. */
  problem(error: OmsError): void {
    this.term.say(`${this.ctx.theme.bad('✖')} ${error.message}`);
  }

  /** A passing remark where the prompts are. */
  note(text: string): void {
    this.term.say(this.ctx.theme.dim(text));
  }
}
