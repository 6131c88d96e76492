// HAProxy, driven from Node: find the binary (Debian's `haproxy` package),
// run it in the foreground on deploy/haproxy.cfg, and talk to its runtime API
// (the stats socket) to put servers in and out of the configuration's slots
// and inspect them without a reload. A reload would also work but needs a
// master process and a rewritten file; the runtime API changes the running
// proxy in place.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONFIG = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'haproxy.cfg');
export const BACKEND = 'oms';

/** The server slots of deploy/haproxy.cfg (`server-template s 1-16`). */
export const SLOTS = Array.from({ length: 16 }, (_, i) => `s${i + 1}`);

export const INSTALL_HINT =
  "HAProxy is missing: install Debian's package (`sudo apt-get install -y haproxy`), or set HAPROXY=/path/to/haproxy (version 2.2 or later)";

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
 * HAProxy's view of each server, from `show stat`: `up` while it gets traffic
 * ("UP", or "UP 1/2" while failing checks count down), `maint` when taken out
 * by hand; anything else (DOWN, DOWN 1/2 while checks count up) is neither.
 */
export async function serverStates(socket) {
  const text = await adminCommand(socket, 'show stat');
  const [header, ...lines] = text.split('\n');
  const columns = header.replace(/^# /, '').split(',');
  const proxy = columns.indexOf('pxname');
  const server = columns.indexOf('svname');
  const status = columns.indexOf('status');
  const states = new Map();
  for (const line of lines) {
    const fields = line.split(',');
    if (fields[proxy] !== BACKEND || fields[server] === 'BACKEND') continue;
    const text = fields[status] ?? '';
    states.set(fields[server], { up: text.startsWith('UP'), maint: text.startsWith('MAINT'), status: text });
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

  /** Gives slot `name` the server's address and takes it out of maintenance; its checks decide when it gets traffic. */
  async addServer(name, host, port) {
    const moved = await this.command(`set server ${BACKEND}/${name} addr ${host} port ${port}`);
    if (/unknown|not found|error/i.test(moved)) throw new Error(`haproxy refused the address of ${name}: ${moved}`);
    const ready = await this.command(`set server ${BACKEND}/${name} state ready`);
    if (ready !== '') throw new Error(`haproxy refused to enable ${name}: ${ready}`);
  }

  /** Back to maintenance: no new requests; the slot is free again. */
  async removeServer(name) {
    const answer = await this.command(`set server ${BACKEND}/${name} state maint`);
    if (answer !== '') throw new Error(`haproxy refused to take ${name} out: ${answer}`);
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
