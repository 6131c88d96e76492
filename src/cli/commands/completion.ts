// oms completion bash|zsh|fish: the completion script for a shell, on stdout.

import type { Command } from 'commander';
import { invalid } from '../../core/errors.js';
import { SHELLS } from '../completion.js';
import type { CliContext } from '../context.js';
import type { CommandOutput } from '../output.js';

export interface CompletionOptions {
  shell: string;
  program: Command;
}

export async function runCompletion(options: CompletionOptions, _ctx: CliContext): Promise<CommandOutput> {
  const generate = SHELLS[options.shell as keyof typeof SHELLS];
  if (generate === undefined) throw invalid('shell', options.shell, `is not one of ${Object.keys(SHELLS).join(', ')}`);
  const script = generate(options.program);
  return { json: { shell: options.shell, script }, text: () => script };
}
