// Runs a process and reports its wall time and peak resident memory. GNU
// time (`/usr/bin/time -f '%M %U %S'`) gives the true high-water mark and the
// CPU seconds; where it is
// missing, /proc/<pid>/status VmHWM is polled while the process runs, which
// can miss a peak in its last few milliseconds (the result says which).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const GNU_TIME = '/usr/bin/time';
const POLL_MS = 20;

function hasGnuTime() {
  try {
    fs.accessSync(GNU_TIME, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function highWaterMark(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

export function runMeasured(command, args, { timeoutMs = 900_000, env = process.env } = {}) {
  const gnu = hasGnuTime();
  const report = path.join(os.tmpdir(), `oms-bench-rss-${process.pid}-${Date.now()}.txt`);
  const [file, argv] = gnu ? [GNU_TIME, ['-f', '%M %U %S', '-o', report, command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, env });
    let stdout = '';
    let stderr = '';
    let polled = 0;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const poll = gnu ? undefined : setInterval(() => (polled = Math.max(polled, highWaterMark(child.pid))), POLL_MS);
    child.on('error', reject);
    child.on('close', (status) => {
      const ms = performance.now() - start;
      if (poll) clearInterval(poll);
      let peakRssBytes = polled;
      let cpuMs = null;
      if (gnu) {
        const text = fs.existsSync(report) ? fs.readFileSync(report, 'utf8') : '';
        fs.rmSync(report, { force: true });
        const [rssKb, user, system] = (text.trim().split('\n').pop() ?? '').split(' ').map(Number);
        peakRssBytes = rssKb * 1024;
        cpuMs = (user + system) * 1000;
      }
      resolve({ status, ms, cpuMs, peakRssBytes, rssMethod: gnu ? 'GNU time %M' : 'VmHWM polled', stdout, stderr });
    });
  });
}
