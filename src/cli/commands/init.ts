// oms init: create a state with a chosen convention (it never changes later).

import { parseConvention } from '../../core/fields.js';
import type { CliContext } from '../context.js';
import { conventionRule, otherConventionHint } from '../format/convention.js';
import type { CommandOutput } from '../output.js';

export interface InitOptions {
  convention?: string;
}

export async function runInit(options: InitOptions, ctx: CliContext): Promise<CommandOutput> {
  // No --convention on an existing state asks for nothing: a no-op, whatever its convention.
  const store = await ctx.store();
  const status = options.convention === undefined ? await store.status() : undefined;
  const convention = status?.exists ? status.convention : parseConvention(options.convention ?? 'document');
  const result = await store.init(convention);
  return {
    json: { state: ctx.statePath, ...result },
    text: () =>
      result.created
        ? `Created ${ctx.statePath} (convention ${convention})\n${conventionRule(convention)}; ${otherConventionHint(convention)}`
        : `${ctx.statePath} already uses convention ${convention} (${conventionRule(convention)})`,
  };
}
