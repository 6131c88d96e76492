// oms init: create a state with a chosen convention (it never changes later).

import { parseConvention } from '../../core/fields.js';
import type { CliContext } from '../context.js';
import type { CommandOutput } from '../output.js';

export interface InitOptions {
  convention?: string;
}

export async function runInit(options: InitOptions, ctx: CliContext): Promise<CommandOutput> {
  const convention = parseConvention(options.convention ?? 'document');
  const store = await ctx.store();
  const result = await store.init(convention);
  // The store's location is the printable one (a database URL's password is ***).
  return {
    json: { state: store.location, ...result },
    text: () => (result.created ? `Created ${store.location} (convention ${convention})` : `${store.location} already uses convention ${convention}`),
  };
}
