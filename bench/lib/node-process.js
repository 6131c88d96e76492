// Runs a bench script in a fresh Node process and reads the one JSON document
// it prints, so every measurement starts from the same clean process and a
// crash in one section is reported instead of ending the whole bench. And times
// a whole Node process, start to exit (what one CLI command costs).

import { execFile, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export function runNodeJson(args, { timeoutMs = 600_000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const detail = stderr.trim().split('\n').slice(-3).join(' | ') || error.message;
        reject(new Error(`node ${args.join(' ')} failed: ${detail}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`node ${args.join(' ')} printed no JSON: ${stdout.slice(0, 200)}`));
      }
    });
  });
}

/** Runs `node ARGS` to its end (blocking, output ignored) and returns its wall time in ms; throws if it fails. */
export function timeProcess(args) {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr.trim()}`);
  return ms;
}
