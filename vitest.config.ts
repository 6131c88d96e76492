// The suite runs on developers' own 2-core machines, often busy with other
// work. Timeouts here are hang guards sized from a measured `oms` command
// (test/pace.ts), so a loaded machine gets proportionally more time and an
// idle one still fails a real hang within a minute or two; the figure is
// handed to every test file through the environment so their own budgets
// start from the same measurement.

import os from 'node:os';
import { defineConfig } from 'vitest/config';
import { ENV_KEY, measureCommandMsSync, paceOf } from './test/pace.js';

const commandMs = Number(process.env[ENV_KEY]) || measureCommandMsSync();
const pace = paceOf(commandMs);
// Most tests run a few dozen commands at most; the ones that run more set their own timeout from their work count.
const DEFAULT_COMMANDS = 60;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: pace.commands(DEFAULT_COMMANDS),
    hookTimeout: pace.commands(DEFAULT_COMMANDS),
    // A hung test is cut off by the timeouts above; a leftover child process must not keep the run waiting.
    teardownTimeout: pace.commands(10),
    env: { [ENV_KEY]: String(commandMs) },
    pool: 'forks',
    // vitest's default is one worker less than the cores: a single worker on
    // a 2-core machine, running one file at a time while most files wait on
    // the processes they spawn, on sleeps until a quote expires, on lock
    // waits. Two files at a time keep both cores busy; the budgets above
    // allow for the contention that adds.
    maxWorkers: os.availableParallelism(),
    // Hands PostgreSQL tests a server started on first use (test/postgres/server.ts).
    globalSetup: ['test/postgres/global-setup.ts'],
  },
});
