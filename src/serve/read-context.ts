// The read routes answer with exactly what the CLI's read commands print with
// --json, by running those same commands in a context whose store is the
// server's open one (instead of one opened per command).

import { CliContext } from '../cli/context.js';
import type { StateStore } from '../store/store.js';

export class ServeContext extends CliContext {
  constructor(
    parent: CliContext,
    private readonly shared: StateStore,
  ) {
    super(parent.io, { state: parent.statePath, json: true, quiet: true, input: false }, parent.commandLine, parent.signal, parent.theme);
  }

  override store(): Promise<StateStore> {
    return Promise.resolve(this.shared);
  }
}
