// What every prompt-mode action works with: the CLI context (store, theme,
// streams), the terminal the questions are asked on, and the one way to
// commit and to show a result or a rejection, so actions stay small.

import type { Command } from '../core/commands.js';
import type { OmsError } from '../core/errors.js';
import type { Outcome } from '../core/ledger.js';
import type { StateView } from '../store/store.js';
import type { CliContext } from '../cli/context.js';
import { commitOne } from '../cli/mutation.js';
import type { Terminal } from './terminal.js';

export class Session {
  constructor(
    readonly ctx: CliContext,
    readonly term: Terminal,
  ) {}

  /** The latest committed state; undefined before the first change creates it. */
  async view(): Promise<StateView | undefined> {
    const store = await this.ctx.store();
    const status = await store.status();
    return status.exists ? store.read() : undefined;
  }

  /** One ordinary operation: the same store, journal and rules as the subcommands. */
  commit(command: Command): Promise<Outcome> {
    return commitOne(this.ctx, command);
  }

  /** A result, on stdout like a subcommand's. */
  show(text: string): void {
    if (text !== '') this.ctx.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
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
