// Runs one command line: parse, dispatch, print, and turn whatever went wrong
// into the right exit code and, with --json, one JSON error document. Takes
// its streams as arguments so tests can run it in process.

import { CommanderError } from 'commander';
import { OmsError } from '../core/errors.js';
import { exitCodeOf, SIGNAL_EXIT, toOmsError } from '../app/errors.js';
import { errorJson } from '../app/json.js';
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

async function report(io: Io, argv: string[], error: OmsError): Promise<void> {
  const theme = await loadTheme(colorLevel({ color: !argv.includes('--no-color'), isTTY: io.stderr.isTTY === true, env: io.env }));
  io.stderr.write(`${theme.bad('oms: error:')} ${error.message}\n`);
  for (const problem of error.details.problems ?? []) io.stderr.write(`${problem.file}:${problem.line}: ${problem.field}: ${problem.message}\n`);
  if (error.details.moreProblems) io.stderr.write(`... and ${error.details.moreProblems} more problems\n`);
  if (error.code === 'INTERNAL' && io.env['OMS_DEBUG']) io.stderr.write(`${error.stack ?? ''}\n`);
  if (wantsJson(argv)) io.stdout.write(`${JSON.stringify(errorJson(error))}\n`);
}

/** True if argv names a command (or asks for help or the version); `valued` are the global options that take a value. */
function namesCommand(argv: string[], valued: Set<string>): boolean {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (!token.startsWith('-') || token === '-') return true;
    if (['-h', '--help', '-V', '--version'].includes(token)) return true;
    if (valued.has(token)) i++;
  }
  return false;
}

/** A commander usage error as ours, naming the argument or option it is about. */
function usageError(error: CommanderError): OmsError {
  const message = error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
  const field = /for argument '([^']+)'/.exec(message)?.[1] ?? /option '--([\w-]+)/.exec(message)?.[1] ?? /argument '([^']+)'/.exec(message)?.[1];
  const value = /value '([^']*)'/.exec(message)?.[1] ?? /argument '([^']*)' is invalid/.exec(message)?.[1];
  return new OmsError('INVALID_ARGUMENT', message, { ...(field ? { field } : {}), ...(value !== undefined ? { value } : {}) });
}

export async function runCli(argv: string[], io: Io, options: RunOptions): Promise<number> {
  let ctx: CliContext | undefined;
  let exitCode = 0;
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
      writeErr: (text) => io.stderr.write(text),
    });
  }

  if (!namesCommand(argv, valuedGlobals(program))) {
    if (io.stdin.isTTY && io.stdout.isTTY) return runCli([...argv, 'interactive'], io, options);
    io.stderr.write(program.helpInformation());
    const message = 'no command given, and no terminal for interactive mode: give a command (see above)';
    io.stderr.write(`\noms: ${message}\n`);
    if (wantsJson(argv)) io.stdout.write(`${JSON.stringify(errorJson(new OmsError('INVALID_ARGUMENT', message, { field: 'command' })))}\n`);
    return 2;
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      if (wantsJson(argv)) io.stdout.write(`${JSON.stringify(errorJson(usageError(error)))}\n`);
      return 2;
    }
    const failure = toOmsError(error);
    await report(io, argv, failure);
    return exitCodeOf(failure, options.signal.aborted ? String(options.signal.reason) : undefined);
  } finally {
    await ctx?.close();
  }
  if (options.signal.aborted && !ctx?.signalHandled) return SIGNAL_EXIT[String(options.signal.reason)] ?? 130;
  return exitCode;
}
