// oms help [topic|command]: a command's help, or a reference topic
// (exit codes, CSV columns, conventions, environment variables).

import type { Command } from 'commander';
import { invalid } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { HELP_TOPICS } from '../../text/help-topics.js';
import type { CommandOutput } from '../output.js';

export interface HelpOptions {
  topic?: string;
  program: Command;
}

export async function runHelp(options: HelpOptions, _ctx: CliContext): Promise<CommandOutput> {
  const { topic, program } = options;
  // A command's help goes out as --help prints it (with its examples), through commander.
  const helpOf = (command: Command): CommandOutput => ({
    json: { topic: topic ?? null, text: command.helpInformation() },
    text: () => {
      command.outputHelp();
      return '';
    },
  });
  if (topic === undefined) return helpOf(program);
  const known = HELP_TOPICS[topic];
  if (known) return { json: { topic, text: known.text }, text: () => known.text };
  const command = program.commands.find((candidate) => candidate.name() === topic);
  if (command) return helpOf(command);
  throw invalid('topic', topic, `is neither a help topic (${Object.keys(HELP_TOPICS).join(', ')}) nor a command (${program.createHelp().visibleCommands(program).map((c) => c.name()).join(', ')})`);
}
