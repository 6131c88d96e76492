// oms init: create a state with a chosen convention (it never changes later).

import type { CliContext } from '../context.js';
import type { CommandOutput } from '../output.js';

export interface InitOptions {
  convention?: string;
}

export async function runInit(options: InitOptions, ctx: CliContext): Promise<CommandOutput> {
  const result = await (await ctx.app()).init(options.convention);
  return {
    json: { state: ctx.statePath, ...result },
    text: () => (result.created ? `Created ${ctx.statePath} (convention ${result.convention})` : `${ctx.statePath} already uses convention ${result.convention}`),
  };
}
