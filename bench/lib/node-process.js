// Runs a bench script in a fresh Node process and reads the one JSON document
// it prints, so every measurement starts from the same clean process and a
// crash in one section is reported instead of ending the whole bench.

import { execFile } from 'node:child_process';

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
