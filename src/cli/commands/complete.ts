// oms __complete symbols|orders [prefix] (hidden): what the completion
// scripts offer from the state, one per line. Quiet and empty on a missing
// or unreadable state: a completion must never print an error mid-line.

import type { CliContext } from '../context.js';
import type { CommandOutput } from '../output.js';

export interface CompleteOptions {
  kind: string;
  prefix?: string;
}

async function values(options: CompleteOptions, ctx: CliContext): Promise<string[]> {
  const view = await (await ctx.app()).view();
  if (view === undefined) return [];
  if (options.kind === 'symbols') return view.symbols();
  if (options.kind !== 'orders') return [];
  const prefix = options.prefix ?? '';
  const ids: string[] = [];
  for (const order of view.orders()) {
    const id = String(order.orderId);
    if (id.startsWith(prefix)) ids.push(id);
  }
  return ids;
}

export async function runComplete(options: CompleteOptions, ctx: CliContext): Promise<CommandOutput> {
  let found: string[];
  try {
    found = await values(options, ctx);
  } catch {
    found = [];
  }
  return { json: { values: found }, text: () => found.join('\n') };
}
