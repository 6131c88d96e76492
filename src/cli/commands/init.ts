// oms init: create a state with a chosen convention (it never changes later).

import type { CliContext } from '../context.js';
import type { CommandOutput } from '../output.js';
import { conventionRule, otherConventionHint } from '../../text/convention.js';

export interface InitOptions {
  convention?: string;
}

export async function runInit(options: InitOptions, ctx: CliContext): Promise<CommandOutput> {
  const app = await ctx.app();
  // No --convention on an existing state asks for nothing: a no-op, whatever its convention.
  const existing = options.convention === undefined ? await app.status() : undefined;
  const result = await app.init(existing?.exists ? existing.convention : options.convention);
  const { convention } = result;
  // The app's location is the printable one (a database URL's password is ***).
  const state = app.location;
  return {
    json: { state, ...result },
    // A state that already existed was named by the store's notice on stderr
    // ("... already exists with convention X; nothing changed"): the result
    // does not say it again, it only states the convention's rule.
    text: () =>
      result.created
        ? `Created ${state} (convention ${convention})\n${conventionRule(convention)}; ${otherConventionHint(convention)}`
        : conventionRule(convention),
  };
}
