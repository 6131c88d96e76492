// Running one command as one committed operation, with its notice (a replay,
// a no-op) on stderr where --quiet can silence it.

import type { Command } from '../core/commands.js';
import type { Outcome } from '../core/ledger.js';
import type { CliContext } from './context.js';

export async function commitOne(ctx: CliContext, command: Command): Promise<Outcome> {
  const outcome = await (await ctx.app()).execute(command, ctx.opId);
  if (outcome.notice) ctx.notice(outcome.notice);
  return outcome;
}
