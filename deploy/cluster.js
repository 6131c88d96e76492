#!/usr/bin/env node
// `node deploy/cluster.js`: a local cluster for a demo (SPEC §10): HAProxy on
// one port in front of N `oms serve` processes sharing one state. It stays in
// the foreground and takes commands on stdin (scale out and in, a rolling
// restart, a kill -9), so the effect can be watched from another terminal
// with curl or a load generator. Ctrl-C stops everything in order. The tests
// drive the same code (deploy/lib/cluster.js) from test/cluster/.

import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { Cluster } from './lib/cluster.js';
import { INSTALL_HINT } from './lib/haproxy.js';

const USAGE = `usage: node deploy/cluster.js [--servers N] [--port P] [--state LOCATION] [--dir DIR] [--drain-ms MS]

  --servers   oms serve processes to start (default 2)
  --port      HAProxy's port, where clients connect (default 8080)
  --state     the shared state: a file path (default DIR/state.json), a postgres:// URL, or
              "postgres" for a throwaway PostgreSQL server in DIR (stopped with the cluster)
  --dir       where logs, the HAProxy socket and the default state go (default: a new temp dir)
  --drain-ms  passed to each oms serve (default: oms's 2000)

commands on stdin, one per line:
  status              servers, their ports and pids, and what HAProxy thinks of them
  add                 scale out: start one more server; it takes traffic once ready
  remove NAME         scale in: SIGTERM it (drains), then drop it from HAProxy
  restart [NAME]      restart one server, or all of them one after the other (rolling)
  kill NAME           kill -9 (then "restart NAME" brings it back)
  quit                stop everything (also Ctrl-C)`;

function fail(message) {
  process.stderr.write(`cluster: ${message}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      servers: { type: 'string', default: '2' },
      port: { type: 'string', default: '8080' },
      state: { type: 'string' },
      dir: { type: 'string' },
      'drain-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  fail(`${error.message}\n${USAGE}`);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const servers = Number(values.servers);
if (!Number.isInteger(servers) || servers < 1) fail('--servers must be a whole number, at least 1');

const say = (text) => process.stdout.write(`${text}\n`);
const table = async (cluster) => {
  for (const entry of await cluster.status()) say(`  ${entry.name}  ${entry.url}  pid ${entry.pid ?? '-'}  haproxy: ${entry.haproxy}  log: ${entry.log}`);
};

let cluster;
try {
  const dir = values.dir && path.resolve(values.dir);
  cluster = await Cluster.start({
    servers,
    port: Number(values.port),
    ...(dir ? { dir } : {}),
    ...(values.state ? { state: values.state } : {}),
    serveArgs: values['drain-ms'] !== undefined ? ['--drain-ms', values['drain-ms']] : [],
  });
} catch (error) {
  fail(error.message.includes(INSTALL_HINT) ? error.message : `could not start: ${error.message}`);
}
/** A database URL's password is never printed (SPEC §8). */
function shown(state) {
  try {
    const url = new URL(state);
    if (url.password) url.password = '***';
    return url.protocol.startsWith('postgres') ? url.toString() : state;
  } catch {
    return state;
  }
}

say(`cluster up: ${cluster.url} (HAProxy) in front of ${cluster.servers.size} servers on ${shown(cluster.options.state)}; files in ${cluster.dir}`);
await table(cluster);
say('type "status", "add", "remove s1", "restart", "kill s1" or "quit"');

let busy = Promise.resolve();
let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await busy;
  say('stopping: servers drain, then HAProxy');
  await cluster.stop();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const actions = {
  status: () => table(cluster),
  add: async () => say(`added ${(await cluster.add()).name}`),
  remove: async (name) => say(`removed ${name} (exit ${JSON.stringify(await cluster.remove(name))})`),
  restart: async (name) => {
    if (name) await cluster.restart(name);
    else await cluster.rollingRestart((step) => say(`restarting ${step}`));
    say('restarted');
  },
  kill: async (name) => say(`killed ${name} (${JSON.stringify(await cluster.kill(name))})`),
  // Not awaited: stop() waits for the commands before it, and this one is among them.
  quit: () => void setImmediate(stop),
};

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [word, arg] = line.trim().split(/\s+/);
  if (!word) return;
  const action = actions[word];
  if (!action) return say(`unknown command "${word}"; one of: ${Object.keys(actions).join(', ')}`);
  busy = busy.then(() => action(arg)).catch((error) => say(`${word}: ${error.message}`));
});
// Without a terminal (stdin at its end, `&` in a script) it keeps running until a signal or "quit".
