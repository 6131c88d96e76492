// oms init: create a state with a chosen convention (it never changes later).

import type { CliContext } from '../context.js';
import type { CommandOutput } from '../output.js';

export interface InitOptions {
  convention?: string;
}

export async function runInit(options: InitOptions, ctx: CliContext): Promise<CommandOutput> {
  const app = await ctx.app();
  const result = await app.init(options.convention);
  // The app's location is the printable one (a database URL's password is ***).
  return {
    json: { state: app.location, ...result },
    text: () => (result.created ? `Created ${app.location} (convention ${result.convention})` : `${app.location} already uses convention ${result.convention}`),
  };
}
