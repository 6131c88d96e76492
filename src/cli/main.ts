// The process around runCli: real streams, signals, a closed stdout, the exit code.

import fs from 'node:fs';
import { runCli } from './run.js';
import { SIGNAL_EXIT } from '../app/errors.js';

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // Every wait notices the abort (lock waits, imports, serve's drain); a
    // second signal means "now".
    if (controller.signal.aborted) process.exit(SIGNAL_EXIT[signal]);
    controller.abort(signal);
  });
}

// `oms orders | head`: the reader went away; that is the end, not a crash.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const { version } = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }, {
  version,
  signal: controller.signal,
});
