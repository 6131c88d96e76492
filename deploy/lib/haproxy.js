// HAProxy, driven from Node: find the binary (Debian's `haproxy` package),
// run it in the foreground on deploy/haproxy.cfg, and talk to its runtime API
// (the stats socket) to add, take out and inspect servers without a reload.
// Reloading would also work but drops the dynamic servers and needs a
// master process; the runtime API changes the running proxy in place.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONFIG = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'haproxy.cfg');
export const BACKEND = 'oms';

/** Health checks every 100 ms; 2 failures take a server out, 2 successes bring it back. */
const SERVER_OPTIONS = 'check inter 100ms fall 2 rise 2 maxconn 256';

export const INSTALL_HINT =
  "HAProxy is missing: install Debian's package (`sudo apt-get install -y haproxy`), or set HAPROXY=/path/to/haproxy (version 2.4 or later: dynamic servers)";

/** The haproxy binary: $HAPROXY, else the PATH, else where Debian puts it. */
export function findHaproxy(env = process.env) {
  if (env.HAPROXY) {
    if (!fs.existsSync(env.HAPROXY)) throw new Error(`HAPROXY=${env.HAPROXY} does not exist. ${INSTALL_HINT}`);
    return env.HAPROXY;
  }
  const dirs = [...(env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'haproxy');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  throw new Error(INSTALL_HINT);
}

/** One runtime API command; HAProxy answers and closes the connection. */
export function adminCommand(socket, command) {
  return new Promise((resolve, reject) => {
    const connection = net.connect(socket);
    let answer = '';
    connection.on('data', (chunk) => {
      answer += chunk.toString();
    });
    connection.on('end', () => resolve(answer.trim()));
    connection.on('error', reject);
    connection.end(`${command}\n`);
  });
}

/**
 * HAProxy's view of each server: `up` once its checks pass, `maint` when taken
 * out by hand. From `show servers state` (srv_op_state 2 = running; admin bits 0x1/0x2/0x4 = maintenance).
 */
export async function serverStates(socket) {
  const text = await adminCommand(socket, `show servers state ${BACKEND}`);
  const states = new Map();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.trim()) continue;
    const fields = line.split(' ');
    if (fields.length < 7) continue;
    const name = fields[3];
    const op = Number(fields[5]);
    const admin = Number(fields[6]);
    states.set(name, { up: op === 2 && (admin & 0x7) === 0, maint: (admin & 0x7) !== 0, op, admin });
  }
  return states;
}

export class Haproxy {
  constructor(child, socket, url) {
    this.child = child;
    this.socket = socket;
    this.url = url;
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Starts HAProxy in the foreground (-db) listening on host:port; resolves once its runtime API answers. */
  static async start({ binary, host, port, dir, log }) {
    const socket = path.join(dir, 'haproxy.sock');
    const child = spawn(binary, ['-db', '-f', CONFIG], {
      env: { ...process.env, OMS_LISTEN: `${host}:${port}`, OMS_STATS_SOCKET: socket },
      stdio: ['ignore', 'ignore', 'pipe'],
      // Stopped by the script after the servers, not by the terminal's Ctrl-C.
      detached: true,
    });
    child.stderr.on('data', (chunk) => log(chunk.toString()));
    const proxy = new Haproxy(child, socket, `http://${host}:${port}`);
    let exited = false;
    void proxy.exited.then(() => {
      exited = true;
    });
    for (;;) {
      if (exited) throw new Error(`haproxy exited at start (its messages are in ${dir})`);
      try {
        await adminCommand(socket, 'show info');
        return proxy;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }

  command(text) {
    return adminCommand(this.socket, text);
  }

  async addServer(name, address) {
    const answer = await this.command(`add server ${BACKEND}/${name} ${address} ${SERVER_OPTIONS}`);
    if (!answer.includes('New server registered')) throw new Error(`haproxy refused to add ${name}: ${answer}`);
    // Dynamic servers start in maintenance with checks off.
    await this.command(`enable health ${BACKEND}/${name}`);
    await this.command(`enable server ${BACKEND}/${name}`);
  }

  /** Takes a server out for good: maintenance (no new requests), then deleted once no connection is left. */
  async removeServer(name) {
    await this.command(`set server ${BACKEND}/${name} state maint`);
    for (;;) {
      const answer = await this.command(`del server ${BACKEND}/${name}`);
      if (answer.includes('Server deleted')) return;
      if (!answer.includes('connections') && !answer.includes('in use')) throw new Error(`haproxy refused to delete ${name}: ${answer}`);
      await this.command(`shutdown sessions server ${BACKEND}/${name}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  states() {
    return serverStates(this.socket);
  }

  /** Polls HAProxy's view until `check(state of name)` holds. */
  async waitFor(name, check, what) {
    for (;;) {
      const state = (await this.states()).get(name);
      if (check(state)) return;
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`haproxy exited while waiting for ${name} to be ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop() {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}
