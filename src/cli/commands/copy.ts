// oms copy FROM TO: a whole state, history and op ids included, between any
// two locations (a file path or a postgres:// URL); the target must be empty.

import { copyState } from '../../store/copy.js';
import type { CliContext } from '../context.js';
import type { CommandOutput } from '../output.js';

export interface CopyOptions {
  from: string;
  to: string;
}

export async function runCopy(options: CopyOptions, ctx: CliContext): Promise<CommandOutput> {
  const result = await copyState(options.from, options.to, { waitTimeoutMs: ctx.lockTimeoutMs, command: ctx.commandLine });
  return {
    json: result,
    text: () => `Copied ${result.operations} operations from ${result.from} to ${result.to} (convention ${result.convention})`,
  };
}
