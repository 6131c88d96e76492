// oms status: what the state holds and how big it is.

import { statusJson } from '../../app/json.js';
import { statusText } from '../../text/listings.js';
import type { CliContext } from '../context.js';
import type { CommandOutput } from '../output.js';

export async function runStatus(_options: object, ctx: CliContext): Promise<CommandOutput> {
  const status = await (await ctx.app()).status();
  return { json: statusJson(status), text: () => statusText(ctx, status) };
}
