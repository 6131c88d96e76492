// oms init: create a state with a chosen convention (it never changes later).

import { parseConvention } from '../../core/fields.js';
import type { CliContext } from '../context.js';
import type { CommandOutput } from '../output.js';

export interface InitOptions {
  convention?: string;
}

export async function runInit(options: InitOptions, ctx: CliContext): Promise<CommandOutput> {
  const convention = parseConvention(options.convention ?? 'document');
  const result = await (await ctx.store()).init(convention);
  return {
    json: { state: ctx.statePath, ...result },
    text: () => (result.created ? `Created ${ctx.statePath} (convention ${convention})` : `${ctx.statePath} already uses convention ${convention}`),
  };
}
