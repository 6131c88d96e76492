// What a command hands back: the result as data (the --json document) and
// how to show it to a person. Printing happens once, here, after the command
// has decided everything.

import type { CliContext } from './context.js';

export interface CommandOutput {
  /** The --json document; undefined when the command already wrote its data (CSV to stdout). */
  json: unknown;
  text(ctx: CliContext): string | Promise<string>;
  /** A finding rather than a failure that still exits non-zero (doctor on a damaged state: 4). */
  exitCode?: number;
}

export async function emit(ctx: CliContext, output: CommandOutput): Promise<void> {
  if (ctx.json) {
    if (output.json === undefined) return;
    ctx.io.stdout.write(`${JSON.stringify(output.json)}\n`);
    return;
  }
  const text = await output.text(ctx);
  if (text !== '') ctx.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}
