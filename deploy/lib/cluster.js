// A local cluster for the demo and the tests (SPEC §10): N `oms serve`
// processes on one state, each on its own port, behind HAProxy. Servers are
// added, removed and restarted one at a time through HAProxy's runtime API,
// and every step waits for what it needs to see (a server ready, HAProxy
// reporting it up or down), never for a fixed time.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findHaproxy, Haproxy, SLOTS } from './haproxy.js';
import { throwawayPostgres } from './postgres.js';
import { freePort, initState, OmsServer } from './server.js';

export class Cluster {
  constructor(options, dir, haproxy, database) {
    this.options = options;
    this.dir = dir;
    this.haproxy = haproxy;
    /** A throwaway PostgreSQL this cluster started (`state: 'postgres'`), stopped with it. */
    this.database = database;
    /** @type {Map<string, OmsServer>} */
    this.servers = new Map();
  }

  /** HAProxy's address: what clients use. */
  get url() {
    return this.haproxy.url;
  }

  /**
   * `state`: a file path, a postgres:// URL, or 'postgres' for a throwaway
   * PostgreSQL server in `dir`; a file in `dir` by default.
   * @param {{ state?: string, servers?: number, host?: string, port?: number, dir?: string,
   *           serveArgs?: string[], env?: Record<string, string>, log?: (text: string) => void }} options
   */
  static async start(options) {
    const binary = findHaproxy();
    const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'oms-cluster-'));
    fs.mkdirSync(dir, { recursive: true });
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? (await freePort(host));
    const database = options.state === 'postgres' ? await throwawayPostgres(dir) : undefined;
    const haproxyLog = fs.createWriteStream(path.join(dir, 'haproxy.log'), { flags: 'a' });
    let haproxy;
    try {
      haproxy = await Haproxy.start({ binary, host, port, dir, log: (text) => haproxyLog.write(text) });
    } catch (error) {
      await database?.stop();
      throw error;
    }
    const state = database?.state ?? options.state ?? path.join(dir, 'state.json');
    const cluster = new Cluster({ ...options, host, state }, dir, haproxy, database);
    try {
      await initState(state);
      for (let i = 0; i < (options.servers ?? 2); i++) await cluster.add();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** Scale out: a new server, started, ready, then added to HAProxy; resolves once HAProxy sends it traffic. */
  async add(port) {
    // The first free slot of HAProxy's configuration.
    const name = SLOTS.find((slot) => !this.servers.has(slot));
    if (!name) throw new Error(`all ${SLOTS.length} server slots of deploy/haproxy.cfg are in use`);
    const server = new OmsServer({
      name,
      host: this.options.host,
      port: port ?? (await freePort(this.options.host)),
      state: this.options.state,
      dir: this.dir,
      serveArgs: this.options.serveArgs,
      env: this.options.env,
    });
    await server.start();
    this.servers.set(name, server);
    await this.haproxy.addServer(name, server.host, server.port);
    await this.haproxy.waitFor(name, (state) => state?.up === true, 'up');
    return server;
  }

  /**
   * Scale in: SIGTERM (the server turns unready, HAProxy's checks take it out
   * while it still answers, then it stops), and its slot goes back to maintenance.
   */
  async remove(name) {
    const server = this.get(name);
    const exit = await server.stop();
    await this.haproxy.removeServer(name);
    this.servers.delete(name);
    return exit;
  }

  /** One server: SIGTERM, wait for it to exit, start it again on its port, wait until HAProxy has it up again. */
  async restart(name) {
    const server = this.get(name);
    const stopping = server.stop();
    await this.haproxy.waitFor(name, (state) => state?.up === false, 'down');
    const exit = await stopping;
    await server.start();
    await this.haproxy.waitFor(name, (state) => state?.up === true, 'up');
    return exit;
  }

  /** Every server in turn; the next one stops only once the previous one is back in HAProxy. */
  async rollingRestart(onStep = () => {}) {
    const exits = [];
    for (const name of [...this.servers.keys()]) {
      onStep(name);
      exits.push(await this.restart(name));
    }
    return exits;
  }

  /** kill -9: no drain at all; HAProxy finds out from failed connections and checks. */
  async kill(name) {
    return this.get(name).stop('SIGKILL');
  }

  async status() {
    const states = await this.haproxy.states();
    return [...this.servers.values()].map((server) => ({
      name: server.name,
      url: server.url,
      pid: server.running ? server.child.pid : null,
      haproxy: states.get(server.name)?.status ?? 'unknown',
      log: server.logFile,
    }));
  }

  get(name) {
    const server = this.servers.get(name);
    if (!server) throw new Error(`no server ${name} (servers: ${[...this.servers.keys()].join(', ') || 'none'})`);
    return server;
  }

  /** Stops every server (they drain in parallel), then HAProxy, then a throwaway database. */
  async stop() {
    await Promise.all([...this.servers.values()].map((server) => server.stop()));
    await this.haproxy.stop();
    await this.database?.stop();
  }
}
