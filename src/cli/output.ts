// What a command hands back: the result as data (the --json document) and
// how to show it to a person. Printing happens once, here, after the command
// has decided everything.

import type { CliContext } from './context.js';
import { print, type Printable } from '../text/print.js';

export interface CommandOutput {
  /** The --json document; undefined when the command already wrote its data (CSV to stdout). */
  json: unknown;
  /** A string, or lines produced as they are printed (long lists). */
  text(ctx: CliContext): Printable | Promise<Printable>;
  /** A finding rather than a failure that still exits non-zero (doctor on a damaged state: 4). */
  exitCode?: number;
}

export async function emit(ctx: CliContext, output: CommandOutput): Promise<void> {
  if (ctx.json) {
    if (output.json === undefined) return;
    ctx.io.stdout.write(`${JSON.stringify(output.json)}\n`);
    return;
  }
  await print(ctx.io.stdout, await output.text(ctx), ctx.signal);
}
