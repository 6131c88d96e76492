// oms interactive (and bare `oms` on a terminal): the guided prompt mode of
// SPEC §5. It refuses at once where nobody can answer (no TTY, --no-input),
// so a script never hangs on it; the prompts are loaded only past that point.

import { OmsError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import type { CommandOutput } from '../output.js';

function refuse(why: string): OmsError {
  return new OmsError('INVALID_ARGUMENT', `interactive mode ${why}; use the subcommands instead (see oms --help)`);
}

export async function runInteractive(_options: object, ctx: CliContext): Promise<CommandOutput> {
  if (!ctx.interactiveAllowed) throw refuse('is off with --no-input');
  if (ctx.io.stdin.isTTY !== true) throw refuse('needs a terminal, and stdin is not one');
  if (ctx.io.stdout.isTTY !== true) throw refuse('needs a terminal, and stdout is not one');
  if (ctx.json) throw refuse('has no --json form');
  ctx.refuseOpId('interactive', 'each action is its own operation with its own id');
  const { runSession } = await import('../../interactive/menu.js');
  await runSession(ctx, ctx.io.stdin);
  return { json: undefined, text: () => '' };
}
