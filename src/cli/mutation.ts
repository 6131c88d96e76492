// Running one command as one committed operation, and the --json shape of a
// mutation (SPEC §3): {"opId","replayed", ...} plus what the operation made.

import type { Command } from '../core/commands.js';
import type { Outcome, Result } from '../core/ledger.js';
import type { CliContext } from './context.js';

export async function commitOne(ctx: CliContext, command: Command): Promise<Outcome> {
  const outcome = await (await ctx.store()).write((tx) => tx.execute(command, ctx.opId));
  if (outcome.notice) ctx.notice(outcome.notice);
  return outcome;
}

export function resultJson(result: Result): Record<string, unknown> {
  switch (result.type) {
    case 'add':
      return { order: result.order };
    case 'modify':
      return { order: result.order, removed: result.removed };
    case 'remove':
      return { removed: result.removed };
    case 'quote':
      return { ...result.quote };
    case 'trade':
      return { trade: result.trade };
  }
}

export function mutationJson(outcome: Outcome): Record<string, unknown> {
  const body = resultJson(outcome.result);
  const replayed = outcome.status === 'replayed';
  if (outcome.result.type === 'quote') return { ...body, opId: outcome.opId, replayed };
  return { opId: outcome.opId, replayed, ...body };
}

/** The result of the kind the command produces (anything else is a bug). */
export function resultOfType<T extends Result['type']>(outcome: Outcome, type: T): Extract<Result, { type: T }> {
  if (outcome.result.type !== type) throw new Error(`expected a ${type} result, got ${outcome.result.type}`);
  return outcome.result as Extract<Result, { type: T }>;
}
