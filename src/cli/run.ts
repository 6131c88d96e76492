// Runs one command line: parse, dispatch, print, and turn whatever went wrong
// into the right exit code and, with --json, one JSON error document. Takes
// its streams as arguments so tests can run it in process.

import { CommanderError, type Command } from 'commander';
import { OmsError } from '../core/errors.js';
import { escapeControls, safeJson } from '../core/text.js';
import { exitCodeOf, SIGNAL_EXIT, toOmsError } from '../app/errors.js';
import { errorJson } from '../app/json.js';
import { count } from '../text/count.js';
import { colorLevel, loadTheme } from '../text/theme.js';
import { CliContext, type GlobalOptions, type Io } from './context.js';
import { emit } from './output.js';
import { buildProgram, valuedGlobals } from './program.js';

export interface RunOptions {
  version: string;
  /** Aborted with the signal's name as reason when SIGINT/SIGTERM arrives. */
  signal: AbortSignal;
}

function wantsJson(argv: string[]): boolean {
  return argv.includes('--json');
}

/** Every error, commander's usage errors too, is said the one way: `oms: error: ...`. */
async function report(io: Io, argv: string[], error: OmsError, hint?: string): Promise<void> {
  const theme = await loadTheme(colorLevel({ color: !argv.includes('--no-color'), isTTY: io.stderr.isTTY === true, env: io.env }));
  io.stderr.write(`${theme.bad('oms: error:')} ${error.message}\n`);
  if (hint !== undefined) io.stderr.write(`${theme.dim(hint)}\n`);
  for (const problem of error.details.problems ?? []) io.stderr.write(`${escapeControls(`${problem.file}:${problem.line}: ${problem.field}: ${problem.message}`)}\n`);
  if (error.details.moreProblems) io.stderr.write(`... and ${count(error.details.moreProblems, 'more problem')}\n`);
  if (error.code === 'INTERNAL' && io.env['OMS_DEBUG']) io.stderr.write(`${error.stack ?? ''}\n`);
  if (wantsJson(argv)) io.stdout.write(`${safeJson(errorJson(error))}\n`);
}

/** The first word of argv that is not a global option (the command, if any); `valued` take a value. */
function firstWord(argv: string[], valued: Set<string>): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (!token.startsWith('-') || token === '-') return token;
    if (valued.has(token)) i++;
  }
  return undefined;
}

/** True if argv names a command (or asks for help or the version). */
function namesCommand(argv: string[], valued: Set<string>): boolean {
  return firstWord(argv, valued) !== undefined || argv.some((token) => ['-h', '--help', '-V', '--version'].includes(token));
}

/** Where a usage error sends the user: the command's own help when a known command was named. */
function helpHint(program: Command, argv: string[]): string {
  const word = firstWord(argv, valuedGlobals(program));
  const command = program.commands.find((candidate) => candidate.name() === word || candidate.aliases().includes(word ?? ''));
  return `(run oms ${command ? `${command.name()} ` : ''}--help for usage)`;
}

/** A commander usage error as ours, naming the argument or option it is about. */
function usageError(error: CommanderError): OmsError {
  let message = error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
  // Commander suggests only for long options; -v is what most tools call the version.
  if (message === "unknown option '-v'") message += ' (Did you mean -V, --version?)';
  const field = /for argument '([^']+)'/.exec(message)?.[1] ?? /option '--([\w-]+)/.exec(message)?.[1] ?? /argument '([^']+)'/.exec(message)?.[1];
  const value = /value '([^']*)'/.exec(message)?.[1] ?? /argument '([^']*)' is invalid/.exec(message)?.[1];
  return new OmsError('INVALID_ARGUMENT', message, { ...(field ? { field } : {}), ...(value !== undefined ? { value } : {}) });
}

export async function runCli(argv: string[], io: Io, options: RunOptions): Promise<number> {
  let ctx: CliContext | undefined;
  let exitCode = 0;
  const usageFailure = async (error: CommanderError): Promise<number> => {
    if (error.exitCode === 0) return 0;
    await report(io, argv, usageError(error), helpHint(program, argv));
    return 2;
  };
  const program = buildProgram(options.version, async (load, commandOptions, command) => {
    const globals = command.optsWithGlobals() as GlobalOptions;
    ctx = await CliContext.create(io, globals, ['oms', ...argv].join(' '), options.signal);
    const run = await load();
    const output = await run(commandOptions as never, ctx);
    await emit(ctx, output);
    exitCode = output.exitCode ?? 0;
  });
  for (const command of [program, ...program.commands]) {
    command.exitOverride();
    command.configureOutput({
      writeOut: (text) => io.stdout.write(text),
      // Commander quotes what was typed (an unknown option, a bad value): escaped like our own messages.
      writeErr: (text) => io.stderr.write(text.split('\n').map(escapeControls).join('\n')),
      // Usage errors are reported by `report`, with our prefix.
      outputError: () => {},
    });
  }

  const valued = valuedGlobals(program);
  try {
    // With no command, commander would print the help before it checks the
    // options; an unknown option (`oms -v`) is the error to name.
    if (!namesCommand(argv, valued)) {
      const [unknown] = program.parseOptions(argv).unknown;
      if (unknown !== undefined) (program as unknown as { unknownOption(flag: string): never }).unknownOption(unknown);
    }
  } catch (error) {
    return usageFailure(error as CommanderError);
  }

  if (!namesCommand(argv, valued)) {
    if (io.stdin.isTTY && io.stdout.isTTY) return runCli([...argv, 'interactive'], io, options);
    io.stderr.write(program.helpInformation());
    const message = 'no command given, and no terminal for interactive mode: give a command (see above)';
    io.stderr.write(`\noms: ${message}\n`);
    if (wantsJson(argv)) io.stdout.write(`${safeJson(errorJson(new OmsError('INVALID_ARGUMENT', message, { field: 'command' })))}\n`);
    return 2;
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return usageFailure(error);
    const failure = toOmsError(error);
    await report(io, argv, failure);
    return exitCodeOf(failure, options.signal.aborted ? String(options.signal.reason) : undefined);
  } finally {
    await ctx?.close();
  }
  if (options.signal.aborted && !ctx?.signalHandled) return SIGNAL_EXIT[String(options.signal.reason)] ?? 130;
  return exitCode;
}
