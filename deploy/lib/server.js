// One `oms serve` process of the cluster: started on a fixed port (a restart
// comes back where HAProxy expects it), its JSON log lines appended to a file
// and watched for "listening", ready once GET /readyz answers 200.

import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const OMS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'oms.js');

/**
 * `oms init` on the shared state before any server starts, as a deployment
 * would: the servers then never race to create it (a no-op on an existing state).
 */
export function initState(state) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [OMS, '--state', state, '--quiet', 'init'], (error, _stdout, stderr) => {
      if (error) reject(new Error(`oms init on the shared state failed: ${stderr.trim() || error.message}`));
      else resolve();
    });
  });
}

/** A port nobody listens on right now (the system picks it). */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

export class OmsServer {
  /**
   * @param {{ name: string, host: string, port: number, state: string, dir: string, serveArgs?: string[], env?: Record<string, string> }} options
   */
  constructor(options) {
    this.name = options.name;
    this.host = options.host;
    this.port = options.port;
    this.options = options;
    this.url = `http://${options.host}:${options.port}`;
    this.logFile = path.join(options.dir, `${options.name}.log`);
    this.child = undefined;
    this.exited = undefined;
  }

  get running() {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process; resolves once it listens and /readyz says 200 (it has read and caught up with the state). */
  async start() {
    const { state, serveArgs = [], env = {} } = this.options;
    const args = [OMS, '--state', state, 'serve', '--host', this.host, '--port', String(this.port), ...serveArgs];
    // Its own process group: Ctrl-C in the cluster's terminal reaches the script, which stops servers in order.
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.child = child;
    const log = fs.createWriteStream(this.logFile, { flags: 'a' });
    child.stdout.pipe(log, { end: false });
    this.exited = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    void this.exited.then(() => log.end());
    const listening = new Promise((resolve, reject) => {
      readline.createInterface({ input: child.stderr }).on('line', (text) => {
        log.write(`${text}\n`);
        if (text.includes('"msg":"listening"')) resolve();
      });
      void this.exited.then(({ code, signal }) => reject(new Error(`${this.name} exited (${code ?? signal}) before listening; see ${this.logFile}`)));
    });
    await listening;
    await this.waitReady();
  }

  async waitReady() {
    for (;;) {
      if (!this.running) throw new Error(`${this.name} exited before it was ready; see ${this.logFile}`);
      try {
        const response = await fetch(`${this.url}/readyz`);
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // Not answering yet.
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** SIGTERM: the server turns unready, serves on for --drain-ms, then stops; resolves with how it exited. */
  async stop(signal = 'SIGTERM') {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }
}
