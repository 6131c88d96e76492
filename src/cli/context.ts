// What every command gets from the wiring: the global options already
// checked, the output streams (injected, so a command runs in a test without
// spawning), the colour scheme, notices that honour --quiet, and the
// application opened on the state.

import { OmsError } from '../core/errors.js';
import { parseOpId } from '../core/fields.js';
import { escapeControls } from '../core/text.js';
import { Oms } from '../app/oms.js';
import { resolveStatePath } from '../store/paths.js';
import { terminalWidth, type OutputStream, type TextStyle } from '../text/style.js';
import { colorLevel, loadTheme, type Theme } from '../text/theme.js';

export type { OutputStream } from '../text/style.js';

export interface Io {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** The global options as commander parsed them. */
export interface GlobalOptions {
  state?: string;
  json?: boolean;
  quiet?: boolean;
  color?: boolean;
  input?: boolean;
  opId?: string;
  lockTimeout?: string;
}

export function parseLockTimeout(input: string | undefined): number {
  if (input === undefined) return 10_000;
  if (!/^\d+(\.\d+)?$/.test(input) || Number(input) > 86_400) {
    throw new OmsError('INVALID_ARGUMENT', `lock-timeout: ${JSON.stringify(input)} is not a number of seconds (0 to 86400)`, {
      field: 'lock-timeout',
      value: input,
    });
  }
  return Math.round(Number(input) * 1000);
}

export class CliContext implements TextStyle {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly interactiveAllowed: boolean;
  readonly theme: Theme;
  /** Tables get borders only for a person at a terminal. */
  readonly decorated: boolean;
  readonly width: number | undefined;
  readonly statePath: string;
  readonly lockTimeoutMs: number;
  private readonly rawOpId: string | undefined;
  /** Set by a command that answers SIGINT/SIGTERM itself (serve drains and exits 0). */
  signalHandled = false;
  private opened: Promise<Oms> | undefined;

  /** Builds a context; loads the colour library only when colour is on. */
  static async create(io: Io, globals: GlobalOptions, commandLine: string, signal: AbortSignal): Promise<CliContext> {
    const theme = await loadTheme(colorLevel({ color: globals.color !== false, isTTY: io.stdout.isTTY === true, env: io.env }));
    return new CliContext(io, globals, commandLine, signal, theme);
  }

  constructor(
    readonly io: Io,
    globals: GlobalOptions,
    /** The command line, recorded in the lock so waiters see who holds it. */
    readonly commandLine: string,
    readonly signal: AbortSignal,
    theme: Theme,
  ) {
    this.json = globals.json === true;
    this.quiet = globals.quiet === true;
    this.interactiveAllowed = globals.input !== false;
    const isTTY = io.stdout.isTTY === true;
    this.theme = theme;
    this.decorated = isTTY && io.env['TERM'] !== 'dumb';
    this.width = terminalWidth(io.stdout);
    this.statePath = resolveStatePath(globals.state, io.env);
    this.lockTimeoutMs = parseLockTimeout(globals.lockTimeout);
    this.rawOpId = globals.opId;
    if (this.rawOpId !== undefined) parseOpId(this.rawOpId, 'op-id');
  }

  /** The --op-id given, checked. */
  get opId(): string | undefined {
    return this.rawOpId;
  }

  /** For commands where --op-id means nothing (import has its own ids). */
  refuseOpId(command: string, why: string): void {
    if (this.rawOpId !== undefined) {
      throw new OmsError('INVALID_ARGUMENT', `op-id: --op-id does not apply to ${command}: ${why}`, { field: 'op-id', value: this.rawOpId });
    }
  }

  /** A line redrawn in place on stderr (a progress bar): cleared before any message. */
  statusLine: { clear(): void } | undefined;

  notice(message: string): void {
    if (this.quiet) return;
    this.statusLine?.clear();
    this.io.stderr.write(`${this.theme.dim(escapeControls(message))}\n`);
  }

  warn(message: string): void {
    this.statusLine?.clear();
    this.io.stderr.write(`${this.theme.warn(escapeControls(message))}\n`);
  }

  /** The application on the state, opened on first use. */
  app(): Promise<Oms> {
    this.opened ??= Oms.open(this.statePath, {
      waitTimeoutMs: this.lockTimeoutMs,
      command: this.commandLine,
      notice: (message) => this.notice(message),
      signal: this.signal,
      onWait: (holder) =>
        this.notice(`waiting for the state lock held by pid ${holder.pid} on ${holder.host} ("${holder.command}") since ${holder.since}`),
    });
    return this.opened;
  }

  async close(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    if (opened) await (await opened.catch(() => undefined))?.close();
  }
}
